import { describe, expect, it } from 'vitest';
import { randomSplits, seeded } from '../test/random';
import { percentile } from './percentiles';
import {
  MAX_BUCKETS,
  applyTimelineBatch,
  emptyTimeline,
  timelineBuckets,
  timelineMismatches,
  type TimedRequest,
  type TimelineBucket,
  type TimelineState,
} from './timeline';

const IDS = ['nebius', 'fireworks', 'azure'];

/** A production-like stream: 10 req/s for 180 s, Nebius failing from 60 s to 120 s and skipped while cooling. */
function story(seed: number): TimedRequest[] {
  const random = seeded(seed);
  const requests: TimedRequest[] = [];
  for (let i = 0; i < 1800; i += 1) {
    const start = i * 100 + Math.floor(random() * 10);
    const outage = start >= 60_000 && start < 120_000;
    const cooling = outage && start % 30_000 > 5_000;
    const latency = Math.round(50 + random() * 200);
    if (cooling) {
      requests.push({
        success: true,
        startedAtMs: start,
        attempts: [{ deploymentId: 'fireworks', status: 'SUCCESS', latencyMs: latency, startedAtMs: start }],
        skipped: [{ deploymentId: 'nebius', reason: 'cooldown' }],
      });
    } else if (outage) {
      const ok = random() > 0.1;
      requests.push({
        success: ok,
        startedAtMs: start,
        attempts: [
          { deploymentId: 'nebius', status: 'ERROR', latencyMs: 5, startedAtMs: start },
          { deploymentId: 'fireworks', status: ok ? 'SUCCESS' : 'ERROR', latencyMs: latency, startedAtMs: start + 5 },
          ...(ok ? [] : [{ deploymentId: 'azure', status: 'SUCCESS' as const, latencyMs: latency, startedAtMs: start + 5 + latency }]),
        ],
      });
    } else {
      requests.push({
        success: true,
        startedAtMs: start,
        attempts: [{ deploymentId: 'nebius', status: 'SUCCESS', latencyMs: latency, startedAtMs: start }],
      });
    }
  }
  // Streams deliver requests in the order they finish, not the order they started.
  return requests.sort((a, b) => a.attempts.length - b.attempts.length || (a.startedAtMs ?? 0) - (b.startedAtMs ?? 0));
}

function replay(batches: readonly (readonly TimedRequest[])[], start: TimelineState): TimelineState {
  return batches.reduce((state, batch) => applyTimelineBatch(state, batch), start);
}

/** The timeline computed the obvious way, request by request, as the server documents it. */
function bruteForce(requests: readonly TimedRequest[], bucketMs: number, untilMs: number): TimelineBucket[] {
  const count = Math.ceil(untilMs / bucketMs);
  return Array.from({ length: count }, (_, i) => {
    const inside = (t: number) => Math.floor(t / bucketMs) === i;
    const started = requests.filter((r) => inside(r.startedAtMs ?? 0));
    return {
      startMs: i * bucketMs,
      endMs: (i + 1) * bucketMs,
      requests: started.length,
      failedRequests: started.filter((r) => !r.success).length,
      deployments: IDS.map((id) => {
        const attempts = requests.flatMap((r) => r.attempts).filter((a) => a.deploymentId === id && inside(a.startedAtMs ?? 0));
        const latencies = attempts.map((a) => a.latencyMs).sort((a, b) => a - b);
        const successes = attempts.filter((a) => a.status === 'SUCCESS').length;
        return {
          deploymentId: id,
          attempts: attempts.length,
          successes,
          failures: attempts.length - successes,
          coolingDown: started.some((r) => (r.skipped ?? []).some((s) => s.deploymentId === id && s.reason === 'cooldown')),
          p50LatencyMs: latencies.length ? percentile(latencies, 50) : null,
        };
      }),
    };
  });
}

describe('applyTimelineBatch', () => {
  const requests = story(1);

  it('gives identical timelines however the stream is split into batches', () => {
    const whole = replay([requests], emptyTimeline(3000));
    expect(replay(requests.map((r) => [r]), emptyTimeline(3000))).toEqual(whole);
    for (const seed of [1, 2, 3, 42, 2026]) {
      expect(replay(randomSplits(requests, seeded(seed), 200), emptyTimeline(3000))).toEqual(whole);
    }
  });

  it('ends on the timeline computed request by request (60 buckets of 3 s)', () => {
    const state = replay(randomSplits(requests, seeded(9), 120), emptyTimeline(3000));
    const live = timelineBuckets(state, IDS, 180_000, true);
    expect(live).toHaveLength(60);
    expect(live).toEqual(bruteForce(requests, 3000, 180_000));
    expect(timelineMismatches(live, bruteForce(requests, 3000, 180_000))).toEqual([]);
  });

  it('marks the cooldown the stream shows and the failures of the outage', () => {
    const live = timelineBuckets(replay([requests], emptyTimeline(3000)), IDS, 180_000);
    const nebius = (i: number) => live[i]!.deployments.find((d) => d.deploymentId === 'nebius')!;
    expect(nebius(10).coolingDown).toBe(false);
    expect(nebius(25).coolingDown).toBe(true);
    expect(nebius(21).failures).toBeGreaterThan(0);
    expect(live.slice(0, 20).every((b) => b.failedRequests === 0)).toBe(true);
  });

  it('leaves the state it was given untouched', () => {
    const before = applyTimelineBatch(emptyTimeline(3000), requests.slice(0, 50));
    const snapshot = JSON.stringify(before);
    applyTimelineBatch(before, requests.slice(50, 400), 40_000);
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('follows the run clock the batches report', () => {
    const state = applyTimelineBatch(emptyTimeline(1000), [], 12_345);
    expect(state.simulatedMs).toBe(12_345);
    expect(timelineBuckets(state, IDS, state.simulatedMs)).toHaveLength(12);
  });

  it('widens an open-ended timeline by merging pairs, with the same result for any split', () => {
    const whole = replay([requests], emptyTimeline(null));
    expect(whole.lastIndex).toBeLessThan(MAX_BUCKETS);
    expect(whole.bucketMs).toBe(2000); // 1 s doubled until 180 s fits in 120 buckets
    // Merging keeps a bucket's latencies in another order; what is shown is the same.
    const other = replay(randomSplits(requests, seeded(5), 300), emptyTimeline(null));
    expect(other.bucketMs).toBe(whole.bucketMs);
    expect(timelineBuckets(other, IDS, undefined, true)).toEqual(timelineBuckets(whole, IDS, undefined, true));
    expect(timelineBuckets(whole, IDS, undefined, true)).toEqual(bruteForce(requests, 2000, (whole.lastIndex + 1) * 2000));
  });
});

describe('timelineMismatches', () => {
  it('names the bucket and field that differ', () => {
    const requests = story(3);
    const server = bruteForce(requests, 3000, 180_000);
    const live = timelineBuckets(replay([requests.slice(1)], emptyTimeline(3000)), IDS, 180_000, true);
    const problems = timelineMismatches(live, server);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^bucket \d+\.(requests|nebius|fireworks|azure)/);
  });
});
