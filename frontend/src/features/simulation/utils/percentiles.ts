// Latency percentiles as the server computes them (gql_server/core/simulation/stats.py): the
// nearest-rank method, the p-th percentile of n sorted values being the value at rank
// ceil(p/100 * n), so it is always one of the observed values.

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Every request latency of a run, in one growing Float64Array (8 bytes a request, so 100,000
 * requests are 800 kB). Appending is O(1); percentiles sort a copy, so callers ask for them a
 * few times a second, not per batch.
 */
export class LatencyLog {
  private values = new Float64Array(1024);
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size] = value;
    this.size += 1;
  }

  percentiles(): LatencyPercentiles | null {
    if (this.size === 0) return null;
    const sorted = this.values.slice(0, this.size).sort();
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
  }
}
