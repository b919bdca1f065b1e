import { describe, expect, it } from 'vitest';
import { buildFlowGraph, type FlowDeployment } from './flow-graph';

const deployments: FlowDeployment[] = [
  { modelId: 'nebius', label: 'Nebius', provider: 'Nebius', weight: 6 },
  { modelId: 'fireworks', label: 'Fireworks AI', provider: 'Fireworks AI', weight: 3 },
  { modelId: 'azure', label: 'Azure', provider: 'Azure', weight: 1 },
];

function edge(graph: ReturnType<typeof buildFlowGraph>, source: string, target: string) {
  return graph.edges.find((e) => e.source === source && e.target === target);
}

describe('buildFlowGraph', () => {
  it('chains priority tiers by error, with a success exit at each tier', () => {
    const graph = buildFlowGraph('PRIORITY_FAILOVER', deployments);
    expect(edge(graph, 'request', 'deployment:nebius')?.kind).toBe('route');
    expect(edge(graph, 'deployment:nebius', 'deployment:fireworks')).toMatchObject({ kind: 'error', label: 'error' });
    expect(edge(graph, 'deployment:fireworks', 'deployment:azure')?.kind).toBe('error');
    expect(edge(graph, 'deployment:azure', 'failure')?.kind).toBe('error');
    for (const id of ['nebius', 'fireworks', 'azure']) {
      expect(edge(graph, `deployment:${id}`, `success:${id}`)?.kind).toBe('success');
    }
    expect(graph.nodes.find((n) => n.id === 'deployment:fireworks')?.detail).toContain('Priority 2');
  });

  it('follows the given order, so reordering changes the chain', () => {
    const graph = buildFlowGraph('PRIORITY_FAILOVER', [deployments[2]!, deployments[0]!]);
    expect(edge(graph, 'request', 'deployment:azure')).toBeDefined();
    expect(edge(graph, 'deployment:azure', 'deployment:nebius')?.kind).toBe('error');
  });

  it('fans out with each weight share on the edge for weighted routing', () => {
    const graph = buildFlowGraph('WEIGHTED', deployments);
    expect(edge(graph, 'request', 'deployment:nebius')?.label).toBe('60%');
    expect(edge(graph, 'request', 'deployment:fireworks')?.label).toBe('30%');
    expect(edge(graph, 'request', 'deployment:azure')?.label).toBe('10%');
    expect(graph.edges.some((e) => e.kind === 'error')).toBe(false);
  });

  it('splits evenly for round robin and names the criterion for the others', () => {
    expect(edge(buildFlowGraph('SIMPLE_SHUFFLE', deployments), 'request', 'deployment:azure')?.label).toBe('33.3%');
    expect(edge(buildFlowGraph('COST_BASED', deployments), 'request', 'deployment:azure')?.label).toBe('cheapest');
    expect(edge(buildFlowGraph('LATENCY_BASED', deployments), 'request', 'deployment:azure')?.label).toBe('fastest');
  });

  it('shows only the request when nothing is selected', () => {
    const graph = buildFlowGraph('WEIGHTED', []);
    expect(graph.nodes.map((n) => n.id)).toEqual(['request']);
    expect(graph.edges).toEqual([]);
  });
});
