import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/server-summary.json';
import {
  applyBatch,
  countMismatches,
  countsFromSummary,
  emptyCounts,
  flowData,
  flowDelta,
  flowKey,
  flowSteps,
  summaryCounts,
  trafficDistribution,
  type AttemptLike,
  type RequestLike,
  type TrafficCounts,
} from '@/components/flow/traffic-counts';

const NEBIUS = { deploymentId: 'nebius', deploymentName: 'llama', provider: 'nebius' };
const FIREWORKS = { deploymentId: 'fireworks', deploymentName: 'llama', provider: 'fireworks_ai' };
const AZURE = { deploymentId: 'azure', deploymentName: 'gpt-4o', provider: 'azure' };

function attempt(
  ref: typeof NEBIUS,
  status: 'SUCCESS' | 'ERROR',
  fallbackDepth: number,
  errorKind: string | null = null,
): AttemptLike {
  return { ...ref, status, fallbackDepth, errorKind, latencyMs: 10 };
}

const answeredByNebius: RequestLike = {
  success: true,
  latencyMs: 10,
  attempts: [attempt(NEBIUS, 'SUCCESS', 0)],
};
const fellBackToFireworks: RequestLike = {
  success: true,
  latencyMs: 30,
  attempts: [attempt(NEBIUS, 'ERROR', 0, 'RATE_LIMIT'), attempt(FIREWORKS, 'SUCCESS', 1)],
};
const retriedThenFailed: RequestLike = {
  success: false,
  latencyMs: 50,
  attempts: [
    attempt(NEBIUS, 'ERROR', 0, 'TIMEOUT'),
    attempt(NEBIUS, 'ERROR', 0, 'SERVER_ERROR'),
    attempt(AZURE, 'ERROR', 1, null),
  ],
};

/** mulberry32: a tiny seeded generator, so "random" splits are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSplits<T>(items: readonly T[], random: () => number): T[][] {
  const batches: T[][] = [];
  let at = 0;
  while (at < items.length) {
    const size = 1 + Math.floor(random() * 40);
    batches.push(items.slice(at, at + size));
    at += size;
  }
  return batches;
}

function replay(batches: readonly (readonly RequestLike[])[], start = emptyCounts()): TrafficCounts {
  return batches.reduce(applyBatch, start);
}

const server = fixture as unknown as {
  requests: RequestLike[];
  summary: Parameters<typeof countMismatches>[1] & { avgLatencyMs: number };
};
const LISTED = [
  { deploymentId: 'nebius-llama-3.3-70b', deploymentName: 'llama-3.3-70b', provider: 'nebius' },
  { deploymentId: 'fireworks-llama-v3p3-70b', deploymentName: 'llama-3.3-70b', provider: 'fireworks_ai' },
  { deploymentId: 'azure-gpt-4o', deploymentName: 'gpt-4o', provider: 'azure' },
];

describe('flowSteps', () => {
  it('encodes entry, fallbacks, retries and the outcome like the server', () => {
    expect(flowSteps(answeredByNebius)).toEqual([
      [null, 'nebius', 'primary'],
      ['nebius', 'nebius', 'success'],
    ]);
    expect(flowSteps(fellBackToFireworks)).toEqual([
      [null, 'nebius', 'primary'],
      ['nebius', 'fireworks', 'fallback_rate_limit'],
      ['fireworks', 'fireworks', 'success'],
    ]);
    expect(flowSteps(retriedThenFailed)).toEqual([
      [null, 'nebius', 'primary'],
      ['nebius', 'nebius', 'retry_timeout'],
      ['nebius', 'azure', 'fallback_server_error'],
      ['azure', null, 'failed'],
    ]);
  });

  it('counts a request that reached no deployment as failed at the entry', () => {
    expect(flowSteps({ success: false, latencyMs: 0, attempts: [] })).toEqual([[null, null, 'failed']]);
  });
});

describe('applyBatch', () => {
  it('turns a batch of traces into request, deployment and flow counts', () => {
    const counts = applyBatch(emptyCounts([NEBIUS, FIREWORKS, AZURE]), [
      answeredByNebius,
      fellBackToFireworks,
      retriedThenFailed,
    ]);
    expect(counts.totalRequests).toBe(3);
    expect(counts.successfulRequests).toBe(2);
    expect(
      trafficDistribution(counts).map((d) => [d.deploymentId, d.requestCount, d.successCount, d.failureCount]),
    ).toEqual([
      ['nebius', 4, 1, 3],
      ['fireworks', 1, 1, 0],
      ['azure', 1, 0, 1],
    ]);
    expect(flowData(counts)).toEqual([
      { fromDeployment: null, toDeployment: 'nebius', requestCount: 3, reason: 'primary' },
      { fromDeployment: 'nebius', toDeployment: 'nebius', requestCount: 1, reason: 'retry_timeout' },
      { fromDeployment: 'nebius', toDeployment: 'nebius', requestCount: 1, reason: 'success' },
      { fromDeployment: 'nebius', toDeployment: 'fireworks', requestCount: 1, reason: 'fallback_rate_limit' },
      { fromDeployment: 'nebius', toDeployment: 'azure', requestCount: 1, reason: 'fallback_server_error' },
      { fromDeployment: 'fireworks', toDeployment: 'fireworks', requestCount: 1, reason: 'success' },
      { fromDeployment: 'azure', toDeployment: null, requestCount: 1, reason: 'failed' },
    ]);
  });

  it('leaves the previous state untouched', () => {
    const before = applyBatch(emptyCounts(), [answeredByNebius]);
    const snapshot = JSON.stringify(before);
    applyBatch(before, [fellBackToFireworks, retriedThenFailed]);
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('keeps inflow == attempts == outflow for every deployment', () => {
    const counts = replay([server.requests]);
    for (const d of counts.deployments) {
      const steps = Object.values(counts.flow);
      // X -> X "success" is X's outflow (it answered), not a new arrival.
      const arrivals = steps.filter((s) => s.to === d.deploymentId && s.reason !== 'success');
      const inflow = arrivals.reduce((n, s) => n + s.count, 0);
      const outflow = steps.filter((s) => s.from === d.deploymentId).reduce((n, s) => n + s.count, 0);
      expect([inflow, outflow]).toEqual([d.attempts, d.attempts]);
    }
  });

  it('gives identical counts however the traces are split into batches', () => {
    const whole = replay([server.requests]);
    const oneByOne = replay(server.requests.map((r) => [r]));
    expect(oneByOne).toEqual(whole);
    for (const seed of [1, 2, 3, 42, 2026]) {
      expect(replay(randomSplits(server.requests, seeded(seed)))).toEqual(whole);
    }
  });
});

describe('against the server summary of the same traces', () => {
  it('ends on exactly the summary the server computed', () => {
    const counts = replay(randomSplits(server.requests, seeded(7)), emptyCounts(LISTED));
    expect(countMismatches(counts, server.summary)).toEqual([]);

    const mine = summaryCounts(counts, [LISTED[0]!.deploymentId]);
    expect(mine.totalRequests).toBe(server.summary.totalRequests);
    expect(mine.successfulRequests).toBe(server.summary.successfulRequests);
    expect(mine.failedRequests).toBe(server.summary.failedRequests);
    expect(mine.flowData).toEqual(server.summary.flowData);
    const strip = (d: (typeof mine.trafficDistribution)[number]) => ({ ...d, avgLatencyMs: 0, percentOfTotal: 0 });
    expect(mine.trafficDistribution.map(strip)).toEqual(server.summary.trafficDistribution.map(strip));
    // Float sums may differ in the last bits from Python's fsum; the display uses the server's.
    mine.trafficDistribution.forEach((d, i) => {
      expect(d.avgLatencyMs).toBeCloseTo(server.summary.trafficDistribution[i]!.avgLatencyMs, 6);
      expect(d.percentOfTotal).toBeCloseTo(server.summary.trafficDistribution[i]!.percentOfTotal, 9);
    });
    expect(mine.avgLatencyMs).toBeCloseTo(server.summary.avgLatencyMs, 6);
  });

  it('reports where live counts differ from a summary', () => {
    const counts = replay([server.requests.slice(1)], emptyCounts(LISTED));
    const problems = countMismatches(counts, server.summary);
    expect(problems).toContain(`totalRequests: ${server.summary.totalRequests - 1} != ${server.summary.totalRequests}`);
    expect(problems.length).toBeGreaterThan(1);
  });

  it('rebuilds counters from a summary that reproduce it', () => {
    const rebuilt = countsFromSummary(server.summary);
    expect(countMismatches(rebuilt, server.summary)).toEqual([]);
    expect(flowData(rebuilt)).toEqual(server.summary.flowData);
    expect(trafficDistribution(rebuilt).map((d) => d.wasPrimary)).toEqual([true, false, false]);
  });
});

describe('flowDelta', () => {
  it('names the steps that got traffic since the previous state', () => {
    const before = applyBatch(emptyCounts(), [answeredByNebius]);
    const after = applyBatch(before, [fellBackToFireworks, answeredByNebius]);
    expect(flowDelta(before, after)).toEqual({
      [flowKey(null, 'nebius', 'primary')]: 2,
      [flowKey('nebius', 'nebius', 'success')]: 1,
      [flowKey('nebius', 'fireworks', 'fallback_rate_limit')]: 1,
      [flowKey('fireworks', 'fireworks', 'success')]: 1,
    });
  });
});
