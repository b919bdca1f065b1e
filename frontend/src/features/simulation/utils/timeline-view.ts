// What the timeline chart draws, derived from server-shaped buckets.
import type { DeploymentRef } from '@/components/flow/traffic-counts';
import type { TimelineBucket } from './timeline';

export interface TimeWindow {
  deploymentId: string;
  startMs: number;
  /** null: still cooling when the run ended. */
  endMs: number | null;
}

export interface TimelineRow {
  /** Bucket start, ms. */
  t: number;
  total: number;
  [series: string]: number;
}

/** 1, 2, 5 x 10^k: the smallest at or above `value`. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

/**
 * Rows for stacked step areas: attempts per second per deployment, split into `ok:<id>` and
 * `err:<id>`, one row per bucket plus one closing the last bucket.
 */
export function timelineRows(buckets: readonly TimelineBucket[], deployments: readonly DeploymentRef[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const bucket of buckets) {
    const perSecond = 1000 / Math.max(1e-9, bucket.endMs - bucket.startMs);
    const cells = new Map(bucket.deployments.map((d) => [d.deploymentId, d]));
    const row: TimelineRow = { t: bucket.startMs, total: 0 };
    for (const d of deployments) {
      const cell = cells.get(d.deploymentId);
      const ok = (cell?.successes ?? 0) * perSecond;
      const err = (cell?.failures ?? 0) * perSecond;
      row[`ok:${d.deploymentId}`] = ok;
      row[`err:${d.deploymentId}`] = err;
      row.total += ok + err;
    }
    rows.push(row);
  }
  const last = buckets[buckets.length - 1];
  const lastRow = rows[rows.length - 1];
  if (last && lastRow) rows.push({ ...lastRow, t: last.endMs });
  return rows;
}

/**
 * Cooldown windows per deployment: the exact ones when given, else runs of consecutive buckets
 * flagged `coolingDown`.
 */
export function cooldownWindows(
  buckets: readonly TimelineBucket[],
  exact: readonly TimeWindow[] | null | undefined,
  domainMs: number,
): Map<string, TimeWindow[]> {
  const out = new Map<string, TimeWindow[]>();
  const add = (w: TimeWindow) => out.set(w.deploymentId, [...(out.get(w.deploymentId) ?? []), w]);
  if (exact) {
    for (const w of exact) add({ ...w, endMs: w.endMs ?? domainMs });
    return out;
  }
  const open = new Map<string, TimeWindow>();
  for (const bucket of buckets) {
    const flagged = new Set(bucket.deployments.filter((d) => d.coolingDown).map((d) => d.deploymentId));
    for (const [id, w] of open) {
      if (!flagged.has(id)) {
        add(w);
        open.delete(id);
      }
    }
    for (const id of flagged) {
      const w = open.get(id);
      if (w) w.endMs = bucket.endMs;
      else open.set(id, { deploymentId: id, startMs: bucket.startMs, endMs: bucket.endMs });
    }
  }
  for (const w of open.values()) add(w);
  return out;
}
