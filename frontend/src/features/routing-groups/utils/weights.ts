/**
 * Each weight's share of the total, in percent. Negative or non-finite weights count as 0;
 * when nothing has weight every share is 0 (the server rejects that configuration).
 */
export function weightPercentages(weights: readonly number[]): number[] {
  const clean = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const total = clean.reduce((sum, w) => sum + w, 0);
  return clean.map((w) => (total === 0 ? 0 : (w / total) * 100));
}

/** Equal shares, for strategies that spread traffic without weights. */
export function evenPercentages(count: number): number[] {
  return Array.from({ length: count }, () => (count === 0 ? 0 : 100 / count));
}

export function formatPercent(percent: number): string {
  const rounded = Math.round(percent * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}
