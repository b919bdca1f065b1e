// The builder's flow preview, as plain data: the component only lays it out with @xyflow/react.
import type { RoutingStrategy } from '@/gql/graphql';
import { strategyInfo } from './strategies';
import { evenPercentages, formatPercent, weightPercentages } from './weights';

export interface FlowDeployment {
  modelId: string;
  label: string;
  provider: string;
  weight: number;
  /** Priority failover: deployments with equal priority form one tier. Default: list order. */
  priority?: number;
}

export type FlowNodeKind = 'request' | 'deployment' | 'success' | 'failure';
export type FlowEdgeKind = 'route' | 'error' | 'success';

export interface FlowNode {
  id: string;
  kind: FlowNodeKind;
  label: string;
  detail?: string;
  x: number;
  y: number;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  kind: FlowEdgeKind;
  label?: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

const COLUMN = 240;
const ROW = 90;
const CHAIN_COLUMN = 280;
const CHAIN_ROW = 110;

export function buildFlowGraph(
  strategy: RoutingStrategy,
  deployments: readonly FlowDeployment[],
): FlowGraph {
  if (deployments.length === 0) {
    return { nodes: [{ id: 'request', kind: 'request', label: 'Request', x: 0, y: 0 }], edges: [] };
  }
  return strategy === 'PRIORITY_FAILOVER'
    ? failoverChain(deployments)
    : fanOut(strategy, deployments);
}

/**
 * Request -> tier 1 -error-> tier 2 -error-> ... top to bottom; each tier can answer (to its
 * right); the last one can fail for good. Vertical, so a long chain stays readable in a side panel.
 */
function failoverChain(deployments: readonly FlowDeployment[]): FlowGraph {
  const nodes: FlowNode[] = [{ id: 'request', kind: 'request', label: 'Request', x: 0, y: 0 }];
  const edges: FlowEdge[] = [];
  let previous = 'request';
  const tiers = groupTiers(deployments);
  tiers.forEach((tier, index) => {
    const first = tier[0] as FlowDeployment;
    const id = `deployment:${first.modelId}`;
    const y = (index + 1) * CHAIN_ROW;
    const detail =
      tier.length === 1
        ? `Priority ${index + 1} · ${first.provider}`
        : `Tier ${index + 1} · ${tier.length} share traffic`;
    nodes.push({ id, kind: 'deployment', label: tier.map((d) => d.label).join(' + '), detail, x: 0, y });
    nodes.push({ id: `success:${first.modelId}`, kind: 'success', label: 'Response', x: CHAIN_COLUMN, y });
    edges.push(
      index === 0
        ? { id: `route:${first.modelId}`, source: previous, target: id, kind: 'route' }
        : { id: `error:${first.modelId}`, source: previous, target: id, kind: 'error', label: 'error' },
    );
    edges.push({ id: `ok:${first.modelId}`, source: id, target: `success:${first.modelId}`, kind: 'success', label: 'success' });
    previous = id;
  });
  nodes.push({ id: 'failure', kind: 'failure', label: 'All failed', x: 0, y: (tiers.length + 1) * CHAIN_ROW });
  edges.push({ id: 'error:final', source: previous, target: 'failure', kind: 'error', label: 'error' });
  return { nodes, edges };
}

/** Consecutive deployments of equal priority, in list order (the list is sorted by priority). */
export function groupTiers(deployments: readonly FlowDeployment[]): FlowDeployment[][] {
  const tiers: FlowDeployment[][] = [];
  deployments.forEach((d, index) => {
    const last = tiers[tiers.length - 1];
    const before = deployments[index - 1];
    if (last && before && d.priority != null && d.priority === before.priority) last.push(d);
    else tiers.push([d]);
  });
  return tiers;
}

/** Request fans out to every deployment; each edge says how the router chooses. */
function fanOut(strategy: RoutingStrategy, deployments: readonly FlowDeployment[]): FlowGraph {
  const shares =
    strategy === 'WEIGHTED'
      ? weightPercentages(deployments.map((d) => d.weight))
      : strategy === 'SIMPLE_SHUFFLE'
        ? evenPercentages(deployments.length)
        : null;
  const criterion = strategyInfo(strategy).criterion;
  const middle = ((deployments.length - 1) * ROW) / 2;
  const nodes: FlowNode[] = [{ id: 'request', kind: 'request', label: 'Request', x: 0, y: middle }];
  const edges: FlowEdge[] = [];
  deployments.forEach((d, index) => {
    const id = `deployment:${d.modelId}`;
    const share = shares?.[index];
    nodes.push({ id, kind: 'deployment', label: d.label, detail: d.provider, x: COLUMN, y: index * ROW });
    edges.push({
      id: `route:${d.modelId}`,
      source: 'request',
      target: id,
      kind: 'route',
      label: share === undefined ? criterion : formatPercent(share),
    });
    edges.push({ id: `ok:${d.modelId}`, source: id, target: 'success', kind: 'success' });
  });
  nodes.push({ id: 'success', kind: 'success', label: 'Response', x: COLUMN * 2, y: middle });
  return { nodes, edges };
}
