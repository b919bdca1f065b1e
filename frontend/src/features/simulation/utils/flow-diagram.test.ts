import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/server-summary.json';
import { buildDiagram, orderedDeployments } from './flow-diagram';
import { applyBatch, emptyCounts, flowDelta, type RequestLike } from './traffic-counts';

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
    expect([hop?.sourceHandle, hop?.targetHandle]).toEqual(['right', 'left']);
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

  it('fans out for other strategies: one column of deployments between requests and response', () => {
    const { nodes } = buildDiagram('SIMPLE_SHUFFLE', GROUP, counts);
    const xs = new Set(nodes.filter((n) => n.kind === 'deployment').map((n) => n.x));
    expect(xs.size).toBe(1);
    const entry = nodes.find((n) => n.id === 'entry')!;
    const response = nodes.find((n) => n.id === 'response')!;
    expect(entry.x).toBeLessThan([...xs][0]!);
    expect(response.x).toBeGreaterThan([...xs][0]!);
  });
});
