// The builder's flow preview as plain data, placed by the shared flow layout
// (src/components/flow/layout.ts); the component only hands it to the shared canvas.
import type { RoutingStrategy } from '@/gql/graphql';
import { labelWidth, layoutFlow, type LayoutEdgeInput, type Point } from '@/components/flow/layout';
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
  /** One line each (a tier lists its deployments one under the other). */
  lines: string[];
  detail?: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  kind: FlowEdgeKind;
  label?: string;
  points: Point[];
  labelAt: Point;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  width: number;
  height: number;
}

// Sizes match flow.css (.flow-node: 12px text, 8px 12px padding, 1px border).
const LINE = 17;
const DETAIL = 15;
const PADDING = 18;
const WIDTH: Record<FlowNodeKind, number> = { request: 110, deployment: 190, success: 110, failure: 110 };
const LABEL_HEIGHT = 20;

type NodeDraft = Omit<FlowNode, 'x' | 'y' | 'width' | 'height'>;
type EdgeDraft = Omit<FlowEdge, 'points' | 'labelAt'> & { weight?: number };

function node(id: string, kind: FlowNodeKind, lines: string[], detail?: string): NodeDraft {
  return { id, kind, label: lines.join(' + '), lines, detail };
}

export function buildFlowGraph(strategy: RoutingStrategy, deployments: readonly FlowDeployment[]): FlowGraph {
  if (deployments.length === 0) return placed([node('request', 'request', ['Request'])], [], 'TB');
  return strategy === 'PRIORITY_FAILOVER' ? failoverChain(deployments) : fanOut(strategy, deployments);
}

function placed(nodes: NodeDraft[], edges: EdgeDraft[], direction: 'TB' | 'LR'): FlowGraph {
  const height = (n: NodeDraft) => PADDING + n.lines.length * LINE + (n.detail ? DETAIL : 0);
  const inputs: LayoutEdgeInput[] = edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    labelWidth: e.label ? labelWidth(e.label) : 0,
    labelHeight: e.label ? LABEL_HEIGHT : 0,
    weight: e.weight,
  }));
  const layout = layoutFlow(
    nodes.map((n) => ({ id: n.id, width: WIDTH[n.kind], height: height(n) })),
    inputs,
    direction === 'TB' ? { direction, nodeGap: 36, rankGap: 36 } : { direction, nodeGap: 14, rankGap: 28 },
  );
  return {
    nodes: nodes.map((n) => ({ ...n, ...layout.nodes.get(n.id)! })),
    edges: edges.map((e) => {
      const route = layout.edges.get(e.id)!;
      return { id: e.id, source: e.source, target: e.target, kind: e.kind, label: e.label, points: route.points, labelAt: route.label };
    }),
    width: layout.width,
    height: layout.height,
  };
}

/**
 * Request -> tier 1 -error-> tier 2 -error-> ... top to bottom; each tier can answer (beside the
 * next tier); the last one can fail for good. Vertical, so a long chain stays readable in a side panel.
 */
function failoverChain(deployments: readonly FlowDeployment[]): FlowGraph {
  const nodes: NodeDraft[] = [node('request', 'request', ['Request'])];
  const edges: EdgeDraft[] = [];
  let previous = 'request';
  const tiers = groupTiers(deployments);
  tiers.forEach((tier, index) => {
    const first = tier[0] as FlowDeployment;
    const id = `deployment:${first.modelId}`;
    const detail = tier.length === 1 ? `Priority ${index + 1} · ${first.provider}` : `Tier ${index + 1} · ${tier.length} share traffic`;
    nodes.push(node(id, 'deployment', tier.map((d) => d.label), detail));
    nodes.push(node(`success:${first.modelId}`, 'success', ['Response']));
    // The chain is heavy so dagre keeps it one straight column.
    edges.push(
      index === 0
        ? { id: `route:${first.modelId}`, source: previous, target: id, kind: 'route', weight: 8 }
        : { id: `error:${first.modelId}`, source: previous, target: id, kind: 'error', label: 'error', weight: 8 },
    );
    edges.push({ id: `ok:${first.modelId}`, source: id, target: `success:${first.modelId}`, kind: 'success', label: 'success' });
    previous = id;
  });
  nodes.push(node('failure', 'failure', ['All failed']));
  edges.push({ id: 'error:final', source: previous, target: 'failure', kind: 'error', label: 'error', weight: 8 });
  return placed(nodes, edges, 'TB');
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

/** Request fans out to every deployment (left to right); each edge says how the router chooses. */
function fanOut(strategy: RoutingStrategy, deployments: readonly FlowDeployment[]): FlowGraph {
  const shares =
    strategy === 'WEIGHTED'
      ? weightPercentages(deployments.map((d) => d.weight))
      : strategy === 'SIMPLE_SHUFFLE'
        ? evenPercentages(deployments.length)
        : null;
  const criterion = strategyInfo(strategy).criterion;
  const nodes: NodeDraft[] = [node('request', 'request', ['Request'])];
  const edges: EdgeDraft[] = [];
  deployments.forEach((d, index) => {
    const id = `deployment:${d.modelId}`;
    const share = shares?.[index];
    nodes.push(node(id, 'deployment', [d.label], d.provider));
    edges.push({ id: `route:${d.modelId}`, source: 'request', target: id, kind: 'route', label: share === undefined ? criterion : formatPercent(share) });
    edges.push({ id: `ok:${d.modelId}`, source: id, target: 'success', kind: 'success' });
  });
  nodes.push(node('success', 'success', ['Response']));
  return placed(nodes, edges, 'LR');
}
