// The simulation's flow diagram as plain data: nodes for the entry, each deployment, the
// response and the failures; edges for the server's flow steps, grouped per (from, to, kind) so
// a pair of deployments gets one edge whatever error kinds moved requests between them.
// The component only hands this to @xyflow/react.
import type { RoutingStrategy } from '@/gql/graphql';
import { flowKey, type DeploymentRef, type TrafficCounts } from './traffic-counts';

export type FlowEdgeKind = 'primary' | 'success' | 'fallback' | 'retry' | 'failed';
export type HandleSide = 'top' | 'right' | 'bottom' | 'left';

export const ENTRY_NODE = 'entry';
export const RESPONSE_NODE = 'response';
export const FAILED_NODE = 'failed';

export interface DiagramNode {
  id: string;
  kind: 'entry' | 'deployment' | 'response' | 'failed';
  label: string;
  detail?: string;
  x: number;
  y: number;
  /** entry: requests; deployment: attempts; response: answered; failed: failed. */
  count: number;
  successes?: number;
  failures?: number;
  /** Retries that stayed on this deployment (drawn as a badge, not a loop). */
  retries?: number;
}

export interface DiagramEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle: HandleSide;
  targetHandle: HandleSide;
  kind: FlowEdgeKind;
  count: number;
  /** Per reason, e.g. { fallback_rate_limit: 12, fallback_timeout: 3 }. */
  reasons: Record<string, number>;
  /** Stroke width, proportional to the share of all requests (Sankey-like). */
  width: number;
  /** Requests that took this edge in the latest frame. */
  recent: number;
}

export interface Diagram {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

const COLUMN = 300;
const ROW = 150;
const MIN_WIDTH = 1.5;
const MAX_WIDTH = 16;

export function edgeKind(reason: string, from: string | null, to: string | null): FlowEdgeKind {
  if (reason === 'primary') return 'primary';
  if (reason === 'success') return 'success';
  if (reason === 'failed' || to === null || from === null) return 'failed';
  return reason.startsWith('fallback_') ? 'fallback' : 'retry';
}

/** Deployments in diagram order: the group's (by priority for failover), then any others seen. */
export function orderedDeployments(
  strategy: RoutingStrategy,
  group: readonly (DeploymentRef & { priority?: number | null })[],
  counts: TrafficCounts,
): DeploymentRef[] {
  const listed =
    strategy === 'PRIORITY_FAILOVER'
      ? [...group].sort((a, b) => (a.priority ?? Infinity) - (b.priority ?? Infinity))
      : [...group];
  const known = new Set(listed.map((d) => d.deploymentId));
  return [...listed, ...counts.deployments.filter((d) => !known.has(d.deploymentId))];
}

interface Placement {
  positions: Map<string, { x: number; y: number }>;
  handles: (kind: FlowEdgeKind, source: string, target: string) => [HandleSide, HandleSide];
}

/** Failover: a chain left to right, each tier answering downwards into one response node. */
function chainPlacement(ids: readonly string[]): Placement {
  const positions = new Map<string, { x: number; y: number }>();
  positions.set(ENTRY_NODE, { x: 0, y: 0 });
  ids.forEach((id, i) => positions.set(id, { x: (i + 1) * COLUMN, y: 0 }));
  positions.set(RESPONSE_NODE, { x: ((ids.length + 1) * COLUMN) / 2, y: ROW * 1.6 });
  positions.set(FAILED_NODE, { x: (ids.length + 1) * COLUMN, y: ROW * 1.6 });
  const column = (id: string) => positions.get(id)?.x ?? 0;
  return {
    positions,
    handles: (kind, source, target) => {
      if (kind === 'success') return ['bottom', 'top'];
      if (kind === 'failed') return source === ENTRY_NODE ? ['bottom', 'left'] : ['bottom', 'top'];
      // Onward moves go right along the chain; a move back arcs over the top.
      return column(target) > column(source) ? ['right', 'left'] : ['top', 'top'];
    },
  };
}

/** Other strategies: the entry fans out to a column of deployments that fan in to the response. */
function fanPlacement(ids: readonly string[]): Placement {
  const positions = new Map<string, { x: number; y: number }>();
  const middle = ((ids.length - 1) * ROW) / 2;
  positions.set(ENTRY_NODE, { x: 0, y: middle });
  ids.forEach((id, i) => positions.set(id, { x: COLUMN * 1.3, y: i * ROW }));
  positions.set(RESPONSE_NODE, { x: COLUMN * 2.6, y: middle - ROW / 2 });
  positions.set(FAILED_NODE, { x: COLUMN * 2.6, y: middle + ROW / 2 });
  const row = (id: string) => positions.get(id)?.y ?? 0;
  return {
    positions,
    handles: (kind, source, target) => {
      if (kind === 'primary' || kind === 'success') return ['right', 'left'];
      if (kind === 'failed') return ['right', 'left'];
      return row(target) > row(source) ? ['bottom', 'top'] : ['top', 'bottom'];
    },
  };
}

function strokeWidth(count: number, totalRequests: number): number {
  if (count <= 0 || totalRequests <= 0) return MIN_WIDTH;
  return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * Math.min(1, count / totalRequests);
}

/**
 * Nodes and edges for `counts`; `recent` maps flow keys to the requests that took them in the
 * latest frame (from `flowDelta`), so the component can animate what just moved.
 */
export function buildDiagram(
  strategy: RoutingStrategy,
  deployments: readonly DeploymentRef[],
  counts: TrafficCounts,
  recent: Readonly<Record<string, number>> = {},
): Diagram {
  const ids = deployments.map((d) => d.deploymentId);
  const placement = strategy === 'PRIORITY_FAILOVER' ? chainPlacement(ids) : fanPlacement(ids);
  const nodeId = (id: string | null, end: string) => (id === null ? end : `dep:${id}`);
  const position = (id: string) => placement.positions.get(id) ?? { x: 0, y: 0 };
  const byId = new Map(counts.deployments.map((d) => [d.deploymentId, d]));
  const selfRetries = new Map<string, number>();

  const edges = new Map<string, DiagramEdge>();
  for (const step of Object.values(counts.flow)) {
    const kind = edgeKind(step.reason, step.from, step.to);
    if (kind === 'retry' && step.from === step.to && step.from !== null) {
      selfRetries.set(step.from, (selfRetries.get(step.from) ?? 0) + step.count);
      continue;
    }
    const source = nodeId(step.from, ENTRY_NODE);
    const target =
      kind === 'success' ? RESPONSE_NODE : kind === 'failed' ? FAILED_NODE : nodeId(step.to, FAILED_NODE);
    const id = `${kind}:${source}->${target}`;
    const recentCount = recent[flowKey(step.from, step.to, step.reason)] ?? 0;
    const edge = edges.get(id);
    if (edge) {
      edge.count += step.count;
      edge.recent += recentCount;
      edge.reasons[step.reason] = (edge.reasons[step.reason] ?? 0) + step.count;
    } else {
      const handleIds = (v: string) => (v.startsWith('dep:') ? v.slice(4) : v);
      const [sourceHandle, targetHandle] = placement.handles(kind, handleIds(source), handleIds(target));
      edges.set(id, {
        id,
        source,
        target,
        sourceHandle,
        targetHandle,
        kind,
        count: step.count,
        reasons: { [step.reason]: step.count },
        width: 0,
        recent: recentCount,
      });
    }
  }
  for (const edge of edges.values()) edge.width = strokeWidth(edge.count, counts.totalRequests);

  const nodes: DiagramNode[] = [
    { id: ENTRY_NODE, kind: 'entry', label: 'Requests', ...position(ENTRY_NODE), count: counts.totalRequests },
    ...deployments.map((d, i): DiagramNode => {
      const c = byId.get(d.deploymentId);
      return {
        id: `dep:${d.deploymentId}`,
        kind: 'deployment',
        label: d.deploymentName,
        detail: strategy === 'PRIORITY_FAILOVER' ? `Priority ${i + 1} · ${d.provider}` : d.provider,
        ...position(d.deploymentId),
        count: c?.attempts ?? 0,
        successes: c?.successes ?? 0,
        failures: (c?.attempts ?? 0) - (c?.successes ?? 0),
        retries: selfRetries.get(d.deploymentId) ?? 0,
      };
    }),
    {
      id: RESPONSE_NODE,
      kind: 'response',
      label: 'Response',
      ...position(RESPONSE_NODE),
      count: counts.successfulRequests,
    },
    {
      id: FAILED_NODE,
      kind: 'failed',
      label: 'Failed',
      ...position(FAILED_NODE),
      count: counts.totalRequests - counts.successfulRequests,
    },
  ];
  return { nodes, edges: [...edges.values()] };
}
