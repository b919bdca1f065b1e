import { describe, expect, it } from 'vitest';
import { seeded } from '../test/random';
import { LatencyLog, percentile, percentileOf } from './percentiles';

const PS = [0, 1, 25, 50, 90, 95, 99, 99.9, 100];

/** The obvious way: sort a copy, take the nearest rank. */
function bySort(values: readonly number[], p: number): number {
  return percentile([...values].sort((a, b) => a - b), p);
}

/** Latency-like values: mostly spread, many repeats (rounded), a long tail. */
function latencies(random: () => number, n: number): number[] {
  return Array.from({ length: n }, () => {
    const r = random();
    if (r < 0.3) return Math.round(random() * 50);
    if (r < 0.95) return 50 + random() * 300;
    return 1000 + random() * 30_000;
  });
}

describe('LatencyLog', () => {
  it('gives exactly the percentiles of a plain sort after every batch, whatever the batch sizes', () => {
    const random = seeded(2024);
    const log = new LatencyLog();
    const all: number[] = [];
    for (let batch = 0; batch < 300; batch += 1) {
      const size = Math.floor(random() * (batch % 7 === 0 ? 800 : 60));
      for (const v of latencies(random, size)) {
        log.push(v);
        all.push(v);
      }
      // Not every batch is followed by a query: unsorted values pile up between queries.
      if (batch % 3 !== 0) continue;
      const got = log.percentiles();
      if (all.length === 0) {
        expect(got).toBeNull();
        continue;
      }
      const sorted = [...all].sort((a, b) => a - b);
      expect(got).toEqual({ p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) });
    }
    expect(log.length).toBe(all.length);
    expect(Array.from(log.values())).toEqual([...all].sort((a, b) => a - b));
  });

  it('is empty before the first value and exact for one value', () => {
    const log = new LatencyLog();
    expect(log.percentiles()).toBeNull();
    log.push(42.5);
    expect(log.percentiles()).toEqual({ p50: 42.5, p95: 42.5, p99: 42.5 });
  });

  it('keeps exact results for ascending, descending and constant streams', () => {
    for (const make of [(i: number) => i, (i: number) => 10_000 - i, () => 7]) {
      const log = new LatencyLog();
      const all: number[] = [];
      for (let i = 0; i < 5000; i += 1) {
        log.push(make(i));
        all.push(make(i));
        if (i % 997 === 0) expect(log.percentiles()?.p95).toBe(bySort(all, 95));
      }
      expect(log.percentiles()).toEqual({ p50: bySort(all, 50), p95: bySort(all, 95), p99: bySort(all, 99) });
    }
  });
});

describe('percentileOf', () => {
  it('matches a plain sort on random data of every size', () => {
    const random = seeded(7);
    for (let n = 1; n <= 400; n += 1) {
      const values = latencies(random, n);
      for (const p of PS) expect(percentileOf(values, p)).toBe(bySort(values, p));
    }
  });

  it('matches a plain sort on sorted, reversed, constant and two-valued data', () => {
    const random = seeded(99);
    const cases = [
      Array.from({ length: 1001 }, (_, i) => i),
      Array.from({ length: 1000 }, (_, i) => 1000 - i),
      Array.from({ length: 777 }, () => 5),
      Array.from({ length: 2048 }, () => (random() < 0.5 ? 1 : 2)),
    ];
    for (const values of cases) {
      for (const p of PS) expect(percentileOf(values, p)).toBe(bySort(values, p));
    }
  });

  it('leaves its input alone and is null for no values', () => {
    const values = [3, 1, 2];
    expect(percentileOf(values, 50)).toBe(2);
    expect(values).toEqual([3, 1, 2]);
    expect(percentileOf([], 50)).toBeNull();
  });
});
