// The live reducers against the server's own code (fixture written by
// __fixtures__/make_server_timeline.py from gql_server/core/simulation/timeline.py and simulation_stats.py).
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/server-timeline.json';
import { randomSplits, seeded } from '../test/random';
import { applyTimelineBatch, emptyTimeline, timelineBuckets, timelineMismatches, type TimelineBucket } from './timeline';
import { applyBatch, emptyCounts, flowData, type FlowStep, type RequestLike } from '@/components/flow/traffic-counts';

const server = fixture as unknown as {
  endMs: number;
  requests: RequestLike[];
  flowData: FlowStep[];
  timelineFixed: TimelineBucket[];
  openEndedWidthMs: number;
  timelineOpen: TimelineBucket[];
};
const IDS = ['nebius-llama-3.3-70b', 'fireworks-llama-v3p3-70b', 'azure-gpt-4o'];
const LISTED = IDS.map((deploymentId) => ({ deploymentId, deploymentName: deploymentId, provider: 'p' }));
// The server's timeline does not know about cooldowns here (none given); the page infers them from skips.
const withoutCooling = (buckets: readonly TimelineBucket[]) =>
  buckets.map((b) => ({ ...b, deployments: b.deployments.map((d) => ({ ...d, coolingDown: false })) }));

describe('against the server, the same requests in random batches', () => {
  for (const seed of [1, 2, 3, 42, 2026]) {
    it(`ends on the server's timeline, both widths, and its flow with skip steps (split ${seed})`, () => {
      const batches = randomSplits(server.requests, seeded(seed), 150);
      const fixed = batches.reduce((s, b) => applyTimelineBatch(s, b), emptyTimeline(3000));
      const fixedBuckets = timelineBuckets(fixed, IDS, server.endMs, true);
      expect(timelineMismatches(fixedBuckets, server.timelineFixed)).toEqual([]);
      expect(withoutCooling(fixedBuckets)).toEqual(withoutCooling(server.timelineFixed));

      const open = batches.reduce((s, b) => applyTimelineBatch(s, b), emptyTimeline(null));
      expect(open.bucketMs).toBe(server.openEndedWidthMs);
      expect(timelineMismatches(timelineBuckets(open, IDS, server.endMs, true), server.timelineOpen)).toEqual([]);

      const counts = batches.reduce(applyBatch, emptyCounts(LISTED));
      expect(flowData(counts)).toEqual(server.flowData);
    });
  }

  it('has skip steps to check', () => {
    expect(server.flowData.filter((s) => s.reason.startsWith('skipped_')).length).toBeGreaterThanOrEqual(3);
    expect(server.requests.some((r) => (r.skipped ?? []).some((s) => (s.beforeAttempt ?? 0) > 0))).toBe(true);
  });
});
