const counts = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return counts.format(value);
}

export function formatMs(value: number): string {
  const size = Math.abs(value);
  if (size >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${value.toFixed(size >= 100 ? 0 : 1)} ms`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '—';
  return `${((100 * part) / whole).toFixed(1)}%`;
}

export function formatUsd(value: number): string {
  const size = Math.abs(value);
  const digits = size === 0 ? 2 : size < 0.01 ? 5 : size < 1 ? 4 : 2;
  return `${value < 0 ? '−' : ''}$${size.toFixed(digits)}`;
}
