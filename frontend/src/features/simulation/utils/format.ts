import { formatCount } from '@/components/formatting';

export { formatCount };

/** Latencies: always in ms, so numbers side by side compare at a glance ("14,400 ms", not "14.4 s"). */
export function formatMs(value: number): string {
  const size = Math.abs(value);
  return size >= 100 ? `${formatCount(Math.round(value))} ms` : `${value.toFixed(1)} ms`;
}

/** Run lengths (simulated time, wall time): always in seconds. */
export function formatSeconds(valueMs: number): string {
  const seconds = valueMs / 1000;
  return `${seconds.toFixed(Math.abs(seconds) >= 100 ? 0 : 1)} s`;
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
