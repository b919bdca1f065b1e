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

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The API takes whole-number weights; the builder lets people type 0.6 / 0.3 / 0.1. Scale by the
 * smallest power of ten (up to 10^4, rounding past that) that makes them whole, then divide by
 * their common divisor: 0.6/0.3/0.1 -> 6/3/1, 0.5/0.5 -> 1/1 (whole numbers stay as typed). The ratio, and so the preview's
 * percentages, is what gets saved.
 */
export function integerWeights(weights: readonly number[]): number[] {
  const clean = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  let scale = 1;
  while (scale < 10_000 && clean.some((w) => Math.abs(w * scale - Math.round(w * scale)) > 1e-9)) scale *= 10;
  const scaled = clean.map((w) => Math.round(w * scale));
  if (scale === 1) return scaled; // whole numbers are saved as typed
  const divisor = scaled.reduce((g, w) => (w === 0 ? g : gcd(g, w)), 0) || 1;
  return scaled.map((w) => w / divisor);
}
