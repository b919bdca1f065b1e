import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/server-summary.json';
import { randomSplits, seeded } from '../test/random';
import { NODE_WIDTH, buildDiagram, orderedDeployments, type Diagram, type Point } from '@/components/flow/flow-diagram';
import { applyBatch, emptyCounts, flowData, flowDelta, flowSteps, type RequestLike } from '@/components/flow/traffic-counts';

const requests = (fixture as unknown as { requests: RequestLike[] }).requests;
const GROUP = [
  { deploymentId: 'azure-gpt-4o', deploymentName: 'gpt-4o', provider: 'azure', priority: 3 },
  { deploymentId: 'nebius-llama-3.3-70b', deploymentName: 'llama', provider: 'nebius', priority: 1 },
  { deploymentId: 'fireworks-llama-v3p3-70b', deploymentName: 'llama', provider: 'fireworks_ai', priority: 2 },
];

describe('buildDiagram', () => {
  const counts = applyBatch(emptyCounts(), requests);
  const ordered = orderedDeployments('PRIORITY_FAILOVER', GROUP, counts);

  it('orders a failover chain by priority', () => {
    expect(ordered.map((d) => d.deploymentId)).toEqual([
      'nebius-llama-3.3-70b',
      'fireworks-llama-v3p3-70b',
      'azure-gpt-4o',
    ]);
  });

  it('accounts for every request: entry edges sum to the requests, outcomes to answered and failed', () => {
    const { nodes, edges } = buildDiagram('PRIORITY_FAILOVER', ordered, counts);
    const sum = (pick: (e: (typeof edges)[number]) => boolean) => edges.filter(pick).reduce((n, e) => n + e.count, 0);
    expect(sum((e) => e.source === 'entry')).toBe(counts.totalRequests);
    expect(sum((e) => e.target === 'response')).toBe(counts.successfulRequests);
    expect(sum((e) => e.target === 'failed')).toBe(counts.totalRequests - counts.successfulRequests);
    expect(nodes.find((n) => n.id === 'entry')?.count).toBe(400);
    // Per deployment: arrivals (entry, fallbacks, own retries) == attempts == departures.
    for (const node of nodes.filter((n) => n.kind === 'deployment')) {
      const inflow = sum((e) => e.target === node.id) + (node.retries ?? 0);
      const outflow = sum((e) => e.source === node.id) + (node.retries ?? 0);
      expect([inflow, outflow]).toEqual([node.count, node.count]);
    }
  });

  it('groups error kinds into one fallback edge per pair, and retries in place into a badge', () => {
    const { nodes, edges } = buildDiagram('PRIORITY_FAILOVER', ordered, counts);
    const hop = edges.find((e) => e.id === 'fallback:dep:nebius-llama-3.3-70b->dep:fireworks-llama-v3p3-70b');
    expect(hop?.reasons).toEqual({
      fallback_error: 51,
      fallback_rate_limit: 38,
      fallback_server_error: 31,
      fallback_timeout: 36,
    });
    expect(hop?.count).toBe(156);
    expect(nodes.find((n) => n.id === 'dep:nebius-llama-3.3-70b')?.retries).toBe(34);
    expect(edges.some((e) => e.source === e.target)).toBe(false);
  });

  it('widens edges with their share of the requests', () => {
    const { edges } = buildDiagram('PRIORITY_FAILOVER', ordered, counts);
    const width = (id: string) => edges.find((e) => e.id === id)?.width ?? 0;
    const primary = width('primary:entry->dep:nebius-llama-3.3-70b');
    const fallback = width('fallback:dep:nebius-llama-3.3-70b->dep:fireworks-llama-v3p3-70b');
    expect(primary).toBeGreaterThan(fallback);
    expect(fallback).toBeGreaterThan(width('failed:dep:azure-gpt-4o->failed'));
  });

  it('marks the edges the latest frame moved requests along', () => {
    const before = applyBatch(emptyCounts(), requests.slice(0, 390));
    const { edges } = buildDiagram('PRIORITY_FAILOVER', ordered, counts, flowDelta(before, counts));
    const recent = edges.filter((e) => e.recent > 0);
    expect(recent.find((e) => e.source === 'entry')?.recent).toBeGreaterThan(0);
    expect(recent.reduce((n, e) => n + (e.source === 'entry' ? e.recent : 0), 0)).toBe(10);
  });

  it('is vertical: requests on top, deployments in one column by priority, outcomes at the bottom', () => {
    for (const strategy of ['PRIORITY_FAILOVER', 'SIMPLE_SHUFFLE'] as const) {
      const { nodes } = buildDiagram(strategy, ordered, counts);
      const column = nodes.filter((n) => n.kind !== 'response');
      const centres = column.map((n) => n.x + n.width / 2);
      // One column: every box overlaps every other horizontally.
      expect(Math.max(...centres) - Math.min(...centres)).toBeLessThan(NODE_WIDTH);
      expect(column.map((n) => n.id)).toEqual([
        'entry',
        'dep:nebius-llama-3.3-70b',
        'dep:fireworks-llama-v3p3-70b',
        'dep:azure-gpt-4o',
        'failed',
      ]);
      for (let i = 1; i < column.length; i += 1) {
        expect(column[i]!.y).toBeGreaterThanOrEqual(column[i - 1]!.y + column[i - 1]!.height);
      }
      const response = nodes.find((n) => n.id === 'response')!;
      const lastDeployment = column[column.length - 2]!;
      expect(response.y).toBeGreaterThanOrEqual(lastDeployment.y + lastDeployment.height);
    }
  });

  it('fits 24 deployments: nothing above the top, no two nodes or labels overlapping', () => {
    const many = Array.from({ length: 24 }, (_, i) => ({
      deploymentId: `d${i}`,
      deploymentName: `Deployment number ${i}`,
      provider: 'p',
      priority: i + 1,
    }));
    const traffic: RequestLike[] = many.slice(0, 23).map((d, i) => ({
      success: i % 2 === 0,
      latencyMs: 10,
      attempts: [
        { deploymentId: d.deploymentId, deploymentName: d.deploymentName, provider: 'p', status: 'ERROR', fallbackDepth: 0, latencyMs: 5 },
        { deploymentId: `d${i + 1}`, deploymentName: 'x', provider: 'p', status: i % 2 === 0 ? 'SUCCESS' : 'ERROR', fallbackDepth: 1, latencyMs: 5 },
      ],
    }));
    const c = applyBatch(emptyCounts(), traffic);
    const diagram = buildDiagram('PRIORITY_FAILOVER', orderedDeployments('PRIORITY_FAILOVER', many, c), c);
    const boxes = [
      ...diagram.nodes.map((n) => ({ id: n.id, x0: n.x, y0: n.y, x1: n.x + n.width, y1: n.y + n.height })),
    ];
    for (const b of boxes) {
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.y0).toBeGreaterThanOrEqual(0);
      expect(b.x1).toBeLessThanOrEqual(diagram.width);
      expect(b.y1).toBeLessThanOrEqual(diagram.height);
    }
    const overlaps = boxes.flatMap((a, i) =>
      boxes.slice(i + 1).filter((b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1).map((b) => `${a.id}/${b.id}`),
    );
    expect(overlaps).toEqual([]);
    expect(throughNodes(diagram)).toEqual([]);
  });

  it('routes no edge through a node it does not start or end at', () => {
    const diagram = buildDiagram('PRIORITY_FAILOVER', ordered, applyBatch(counts, skipping));
    expect(throughNodes(diagram)).toEqual([]);
  });
});

/** Requests that skipped a cooling Nebius and went to Fireworks, or (both cooling) to Azure. */
const skipping: RequestLike[] = Array.from({ length: 30 }, (_, i) => {
  const both = i % 3 === 0;
  const target = both ? 'azure-gpt-4o' : 'fireworks-llama-v3p3-70b';
  return {
    success: true,
    latencyMs: 10,
    attempts: [{ deploymentId: target, deploymentName: 'x', provider: 'p', status: 'SUCCESS', fallbackDepth: both ? 2 : 1, latencyMs: 10 }],
    skipped: [
      { deploymentId: 'nebius-llama-3.3-70b', reason: 'cooldown', beforeAttempt: 0, fallbackDepth: 0 },
      ...(both ? [{ deploymentId: 'fireworks-llama-v3p3-70b', reason: 'cooldown', beforeAttempt: 0, fallbackDepth: 1 }] : []),
    ],
  };
});

/** Segments that cross a node's box (other than the edge's own ends). */
function throughNodes({ nodes, edges }: Diagram): string[] {
  const problems: string[] = [];
  const crosses = ([ax, ay]: Point, [bx, by]: Point, n: (typeof nodes)[number]) => {
    const [x0, x1] = [Math.min(ax, bx), Math.max(ax, bx)];
    const [y0, y1] = [Math.min(ay, by), Math.max(ay, by)];
    return x1 > n.x + 1 && x0 < n.x + n.width - 1 && y1 > n.y + 1 && y0 < n.y + n.height - 1;
  };
  for (const edge of edges) {
    for (const node of nodes) {
      if (node.id === edge.source || node.id === edge.target) continue;
      for (let i = 0; i + 1 < edge.points.length; i += 1) {
        if (crosses(edge.points[i]!, edge.points[i + 1]!, node)) problems.push(`${edge.id} crosses ${node.id}`);
      }
    }
  }
  return problems;
}

describe('skip edges', () => {
  const ordered = orderedDeployments('PRIORITY_FAILOVER', GROUP, emptyCounts());

  it('draw a dashed "skipped" edge from the skipped deployment to the one the request tried next', () => {
    const counts = applyBatch(emptyCounts(), skipping);
    const skipSteps = flowData(counts).filter((s) => s.reason.startsWith('skipped_'));
    expect(skipSteps).toHaveLength(3);
    expect(skipSteps).toEqual(
      expect.arrayContaining([
        { fromDeployment: 'nebius-llama-3.3-70b', toDeployment: 'fireworks-llama-v3p3-70b', requestCount: 20, reason: 'skipped_cooldown' },
        { fromDeployment: 'nebius-llama-3.3-70b', toDeployment: 'azure-gpt-4o', requestCount: 10, reason: 'skipped_cooldown' },
        { fromDeployment: 'fireworks-llama-v3p3-70b', toDeployment: 'azure-gpt-4o', requestCount: 10, reason: 'skipped_cooldown' },
      ]),
    );
    const { nodes, edges } = buildDiagram('PRIORITY_FAILOVER', ordered, counts);
    const skips = Object.fromEntries(edges.filter((e) => e.kind === 'skipped').map((e) => [e.id, e.count]));
    expect(skips).toEqual({
      'skipped:dep:nebius-llama-3.3-70b->dep:fireworks-llama-v3p3-70b': 20,
      'skipped:dep:nebius-llama-3.3-70b->dep:azure-gpt-4o': 10,
      'skipped:dep:fireworks-llama-v3p3-70b->dep:azure-gpt-4o': 10,
    });
    // A skip is not an attempt: nobody tried Nebius, no edge goes into it, and it says how often
    // it was passed over.
    const nebius = nodes.find((n) => n.id === 'dep:nebius-llama-3.3-70b')!;
    expect([nebius.count, nebius.skipped]).toEqual([0, 30]);
    // Edges in are attempts that happened: attempt edges in == attempts == attempt edges out,
    // and skip edges out == skips.
    const sum = (pick: (e: (typeof edges)[number]) => boolean) => edges.filter(pick).reduce((n, e) => n + e.count, 0);
    for (const node of nodes.filter((n) => n.kind === 'deployment')) {
      const attemptIn = sum((e) => e.target === node.id && e.kind !== 'skipped');
      const attemptOut = sum((e) => e.source === node.id && e.kind !== 'skipped');
      const skipOut = sum((e) => e.source === node.id && e.kind === 'skipped');
      expect([attemptIn, attemptOut, skipOut]).toEqual([node.count, node.count, node.skipped ?? 0]);
    }
  });

  it('place a skip after the attempts it followed', () => {
    const request: RequestLike = {
      success: true,
      latencyMs: 10,
      attempts: [
        { deploymentId: 'nebius-llama-3.3-70b', deploymentName: 'n', provider: 'p', status: 'ERROR', errorKind: 'TIMEOUT', fallbackDepth: 0, latencyMs: 5 },
        { deploymentId: 'azure-gpt-4o', deploymentName: 'a', provider: 'p', status: 'SUCCESS', fallbackDepth: 2, latencyMs: 5 },
      ],
      skipped: [{ deploymentId: 'fireworks-llama-v3p3-70b', reason: 'rpm_limit', beforeAttempt: 1, fallbackDepth: 1 }],
    };
    expect(flowSteps(request)).toEqual([
      [null, 'nebius-llama-3.3-70b', 'primary'],
      ['fireworks-llama-v3p3-70b', 'azure-gpt-4o', 'skipped_rpm_limit'],
      ['nebius-llama-3.3-70b', 'azure-gpt-4o', 'fallback_timeout'],
      ['azure-gpt-4o', 'azure-gpt-4o', 'success'],
    ]);
  });

  it('give identical diagrams however the stream is split into batches', () => {
    const stream = [...requests.slice(0, 200), ...skipping, ...requests.slice(200)];
    const whole = applyBatch(emptyCounts(), stream);
    const expected = buildDiagram('PRIORITY_FAILOVER', ordered, whole);
    for (const seed of [1, 7, 99]) {
      const split = randomSplits(stream, seeded(seed)).reduce(applyBatch, emptyCounts());
      expect(split).toEqual(whole);
      expect(buildDiagram('PRIORITY_FAILOVER', ordered, split)).toEqual(expected);
    }
  });
});
