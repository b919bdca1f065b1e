// Latency percentiles as the server computes them (gql_server/core/simulation/stats.py): the
// nearest-rank method, the p-th percentile of n sorted values being the value at rank
// ceil(p/100 * n), so it is always one of the observed values.

/** The 1-based nearest rank of the p-th percentile among `n` values (0 when there are none). */
export function nearestRank(n: number, p: number): number {
  return n === 0 ? 0 : Math.max(1, Math.ceil((p / 100) * n));
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[nearestRank(sorted.length, p) - 1] as number;
}

/**
 * The nearest-rank p-th percentile of unsorted `values`, exactly `percentile` of them sorted,
 * without sorting: a selection (quickselect) in a copy, linear on average. Null when empty.
 */
export function percentileOf(values: ArrayLike<number>, p: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  return select(Float64Array.from(values), nearestRank(n, p) - 1);
}

/** The k-th smallest (0-based) of `a`, which it reorders (Hoare's quickselect, median of three). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot: sorted or constant runs stay linear.
    if ((a[mid] as number) < (a[lo] as number)) swap(a, mid, lo);
    if ((a[hi] as number) < (a[lo] as number)) swap(a, hi, lo);
    if ((a[hi] as number) < (a[mid] as number)) swap(a, hi, mid);
    const pivot = a[mid] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i += 1;
      while ((a[j] as number) > pivot) j -= 1;
      if (i <= j) {
        swap(a, i, j);
        i += 1;
        j -= 1;
      }
    }
    // [lo, j] <= pivot <= [i, hi], and anything between j and i equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}

export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Every request latency of a run (8 bytes a request, so 100,000 requests are 800 kB), kept as a
 * sorted run plus the values pushed since the last query. Appending is O(1); a query sorts only
 * the new values and merges them into the sorted run (linear, no full sort), so the live
 * percentiles stay exact and cheap however long the run: at 100,000 requests a query
 * a few times a second costs well under a millisecond, where sorting everything took tens.
 */
export class LatencyLog {
  private sorted = new Float64Array(1024);
  private sortedSize = 0;
  private fresh = new Float64Array(1024);
  private freshSize = 0;
  /** The merge target, swapped with `sorted` after each merge (no allocation per query). */
  private spare = new Float64Array(1024);

  get length(): number {
    return this.sortedSize + this.freshSize;
  }

  push(value: number): void {
    if (this.freshSize === this.fresh.length) this.fresh = grown(this.fresh, this.freshSize + 1, this.freshSize);
    this.fresh[this.freshSize] = value;
    this.freshSize += 1;
  }

  /** Every value so far in ascending order (a view: valid until the next push). */
  values(): Float64Array {
    this.settle();
    return this.sorted.subarray(0, this.sortedSize);
  }

  percentiles(): LatencyPercentiles | null {
    if (this.length === 0) return null;
    const sorted = this.values();
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
  }

  /** Sorts the values pushed since the last query and merges them into the sorted run. */
  private settle(): void {
    if (this.freshSize === 0) return;
    const incoming = this.fresh.subarray(0, this.freshSize).sort();
    const total = this.sortedSize + this.freshSize;
    if (this.spare.length < total) this.spare = new Float64Array(capacityFor(total));
    const out = this.spare;
    const old = this.sorted;
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.sortedSize && j < incoming.length) {
      const a = old[i] as number;
      const b = incoming[j] as number;
      if (a <= b) {
        out[k] = a;
        i += 1;
      } else {
        out[k] = b;
        j += 1;
      }
      k += 1;
    }
    if (i < this.sortedSize) out.set(old.subarray(i, this.sortedSize), k);
    else if (j < incoming.length) out.set(incoming.subarray(j), k);
    this.spare = old;
    this.sorted = out;
    this.sortedSize = total;
    this.freshSize = 0;
  }
}

function capacityFor(size: number): number {
  let capacity = 1024;
  while (capacity < size) capacity *= 2;
  return capacity;
}

function grown(values: Float64Array, size: number, keep: number) {
  const bigger = new Float64Array(capacityFor(size));
  bigger.set(values.subarray(0, keep));
  return bigger;
}
