// Replay's three columns in one shape: the saved group replayed, the draft replayed, and what the
// request log recorded over the same window. A replayed column reads its run (live counters
// while it streams, the summary once in); the recorded one reads the ReplayReport and the
// recorded timeline (the log keeps no cooldown bands).
import { trafficDistribution } from '@/components/flow/traffic-counts';
import type { RunSummary } from '../hooks/use-simulation-run';
import type { RunView } from './run-view';
import type { TimelineBucket } from './timeline';
import type { TimeWindow } from './timeline-view';

export type ReplayReport = NonNullable<RunSummary['replay']>;

export interface ColumnNumbers {
  requests: number;
  failed: number;
  costUsd: number | null;
  p50: number | null;
  p95: number | null;
  /** Share of requests that ended where the recorded request did (replayed columns). */
  sameAsRecorded: number | null;
}

export interface ColumnRow {
  deploymentId: string;
  name: string;
  attempts: number;
  failures: number;
  percent: number;
  /** No recorded behaviour in the window: what it met was assumed. */
  assumed: boolean;
}

export interface ReplayColumnData {
  numbers: ColumnNumbers;
  rows: ColumnRow[];
  buckets: readonly TimelineBucket[];
  /** null: none known (the request log keeps no cooldowns). */
  cooldowns: readonly TimeWindow[] | null;
}

type Names = ReadonlyMap<string, string>;

export function replayedColumn(view: RunView, assumed: ReadonlySet<string>, names: Names): ReplayColumnData {
  const { counts, summary, latency } = view;
  const distribution = summary?.trafficDistribution ?? trafficDistribution(counts);
  return {
    numbers: {
      requests: summary?.totalRequests ?? counts.totalRequests,
      failed: summary?.failedRequests ?? counts.totalRequests - counts.successfulRequests,
      costUsd: summary?.totalCostUsd ?? null,
      p50: summary?.p50LatencyMs ?? latency?.p50 ?? null,
      p95: summary?.p95LatencyMs ?? latency?.p95 ?? null,
      sameAsRecorded: summary?.replay?.sameFinalDeployment ?? null,
    },
    rows: distribution.map((d) => ({
      deploymentId: d.deploymentId,
      name: names.get(d.deploymentId) ?? d.deploymentName,
      attempts: d.requestCount,
      failures: d.failureCount,
      percent: d.percentOfTotal,
      assumed: assumed.has(d.deploymentId),
    })),
    buckets: view.buckets,
    cooldowns: view.cooldowns ?? [],
  };
}

export function recordedColumn(
  report: ReplayReport | null,
  buckets: readonly TimelineBucket[],
  deploymentIds: readonly string[],
  names: Names,
): ReplayColumnData {
  const fromBuckets = (pick: (b: TimelineBucket) => number) => buckets.reduce((n, b) => n + pick(b), 0);
  const attempts = new Map<string, { attempts: number; failures: number }>();
  for (const b of buckets) {
    for (const d of b.deployments) {
      const seen = attempts.get(d.deploymentId) ?? { attempts: 0, failures: 0 };
      attempts.set(d.deploymentId, { attempts: seen.attempts + d.attempts, failures: seen.failures + d.failures });
    }
  }
  const totalAttempts = [...attempts.values()].reduce((n, a) => n + a.attempts, 0);
  const rows: ColumnRow[] = report
    ? report.recorded.map((d) => ({
        deploymentId: d.deploymentId,
        name: names.get(d.deploymentId) ?? d.deploymentName,
        attempts: d.requestCount,
        failures: d.failureCount,
        percent: d.percentOfTotal,
        assumed: false,
      }))
    : deploymentIds.map((id) => {
        const a = attempts.get(id) ?? { attempts: 0, failures: 0 };
        return { deploymentId: id, name: names.get(id) ?? id, ...a, percent: totalAttempts ? (100 * a.attempts) / totalAttempts : 0, assumed: false };
      });
  return {
    numbers: {
      requests: report?.recordedRequests ?? fromBuckets((b) => b.requests),
      failed: fromBuckets((b) => b.failedRequests),
      costUsd: report?.recordedCostUsd ?? null,
      p50: report?.recordedP50LatencyMs ?? null,
      p95: report?.recordedP95LatencyMs ?? null,
      sameAsRecorded: null,
    },
    rows,
    buckets,
    cooldowns: null,
  };
}
