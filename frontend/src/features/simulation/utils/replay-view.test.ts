import { describe, expect, it } from 'vitest';
import { recordedColumn } from './replay-view';

const buckets = [
  {
    startMs: 0,
    endMs: 60_000,
    requests: 3,
    failedRequests: 1,
    deployments: [
      { deploymentId: 'nebius', attempts: 3, successes: 2, failures: 1, coolingDown: false, p50LatencyMs: 20 },
      { deploymentId: 'azure', attempts: 1, successes: 1, failures: 0, coolingDown: false, p50LatencyMs: 30 },
    ],
  },
  {
    startMs: 60_000,
    endMs: 120_000,
    requests: 1,
    failedRequests: 0,
    deployments: [{ deploymentId: 'nebius', attempts: 1, successes: 1, failures: 0, coolingDown: false, p50LatencyMs: 20 }],
  },
];

describe('recordedColumn', () => {
  it('reads requests, failures and attempts off the recorded timeline before any replay report', () => {
    const column = recordedColumn(null, buckets, ['nebius', 'azure'], new Map([['nebius', 'Nebius']]));
    expect(column.numbers).toEqual({ requests: 4, failed: 1, costUsd: null, p50: null, p95: null, sameAsRecorded: null });
    expect(column.rows.map((r) => [r.name, r.attempts, r.failures, r.percent])).toEqual([
      ['Nebius', 4, 1, 80],
      ['azure', 1, 0, 20],
    ]);
    // The request log keeps no cooldowns: none are drawn, and the column says so.
    expect(column.cooldowns).toBeNull();
  });

  it("takes the report's numbers once a replay has one", () => {
    const report = {
      recordedRequests: 4,
      replayedRequests: 4,
      sameFinalDeployment: 1,
      recorded: [],
      recordedCostUsd: 0.5,
      recordedP50LatencyMs: 21,
      recordedP95LatencyMs: 90,
      assumedDeployments: [],
    };
    const column = recordedColumn(report, buckets, ['nebius'], new Map());
    expect(column.numbers).toMatchObject({ requests: 4, failed: 1, costUsd: 0.5, p50: 21, p95: 90 });
  });
});
