// The simulation's flow diagram as plain data: nodes for the entry, each deployment, the
// response and the failures; edges for the server's flow steps, grouped per (from, to, kind) so
// a pair of deployments gets one edge whatever error kinds moved requests between them.
//
// Placed by the shared flow layout (src/components/flow/layout.ts, dagre): requests at the top,
// the deployments in one column below (by priority for failover: layout-only edges chain them),
// the response and the failures at the bottom. Every edge gets a route around the nodes and room
// for its count label. The component only hands this to the shared canvas.
import type { RoutingStrategy } from '@/gql/graphql';
import { labelWidth, layoutFlow, type LayoutEdgeInput, type Point } from './layout';
import { SKIPPED_PREFIX, flowKey, type DeploymentRef, type TrafficCounts } from './traffic-counts';

export type FlowEdgeKind = 'primary' | 'success' | 'fallback' | 'retry' | 'failed' | 'skipped';
export type { Point };

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
  width: number;
  height: number;
  /** entry: requests; deployment: attempts; response: answered; failed: failed. */
  count: number;
  successes?: number;
  failures?: number;
  /** Retries that stayed on this deployment (drawn as a badge, not a loop). */
  retries?: number;
  /** Requests that passed this deployment over without trying it. */
  skipped?: number;
}

export interface DiagramEdge {
  id: string;
  source: string;
  target: string;
  kind: FlowEdgeKind;
  count: number;
  /** Per reason, e.g. { fallback_rate_limit: 12, fallback_timeout: 3 }. */
  reasons: Record<string, number>;
  /** Stroke width, proportional to the share of all requests (Sankey-like). */
  width: number;
  /** Requests that took this edge in the latest frame. */
  recent: number;
  /** The route, first point on the source's border, last on the target's. */
  points: Point[];
  /** Where the count label sits, and which way it extends from there. */
  label: Point;
  labelAlign: LabelAlign;
}

export type LabelAlign = 'center' | 'left' | 'right';

export interface Diagram {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 230;
const DEPLOYMENT_HEIGHT = 122;
const END_HEIGHT = 62;
const RESPONSE_WIDTH = 140;
const LABEL_HEIGHT = 24;
const MIN_WIDTH = 1.5;
const MAX_WIDTH = 16;

export function edgeKind(reason: string, from: string | null, to: string | null): FlowEdgeKind {
  if (reason === 'primary') return 'primary';
  if (reason === 'success') return 'success';
  if (reason.startsWith(SKIPPED_PREFIX)) return 'skipped';
  if (reason === 'failed' || to === null || from === null) return 'failed';
  return reason.startsWith('fallback_') ? 'fallback' : 'retry';
}

/** "skipped_cooldown" -> "cooling down"; the words an edge label uses for a reason. */
export function skipReasonText(reason: string): string {
  const why = reason.startsWith(SKIPPED_PREFIX) ? reason.slice(SKIPPED_PREFIX.length) : reason;
  if (why === 'cooldown') return 'cooling down';
  if (why === 'rpm_limit') return 'rpm limit';
  if (why === 'tpm_limit') return 'tpm limit';
  return why.replace(/_/g, ' ');
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

function strokeWidth(count: number, totalRequests: number): number {
  if (count <= 0 || totalRequests <= 0) return MIN_WIDTH;
  return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * Math.min(1, count / totalRequests);
}

interface EdgeDraft {
  id: string;
  source: string;
  target: string;
  kind: FlowEdgeKind;
  count: number;
  recent: number;
  reasons: Record<string, number>;
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
  const nodeId = (id: string | null, end: string) => (id === null ? end : `dep:${id}`);
  const byId = new Map(counts.deployments.map((d) => [d.deploymentId, d]));
  const selfRetries = new Map<string, number>();
  const skippedAt = new Map<string, number>();

  const drafts = new Map<string, EdgeDraft>();
  for (const step of Object.values(counts.flow)) {
    const kind = edgeKind(step.reason, step.from, step.to);
    if (kind === 'retry' && step.from === step.to && step.from !== null) {
      selfRetries.set(step.from, (selfRetries.get(step.from) ?? 0) + step.count);
      continue;
    }
    if (kind === 'skipped' && step.from !== null) {
      skippedAt.set(step.from, (skippedAt.get(step.from) ?? 0) + step.count);
    }
    const source = nodeId(step.from, ENTRY_NODE);
    const target =
      kind === 'success' ? RESPONSE_NODE : kind === 'failed' ? FAILED_NODE : nodeId(step.to, FAILED_NODE);
    const id = `${kind}:${source}->${target}`;
    const recentCount = recent[flowKey(step.from, step.to, step.reason)] ?? 0;
    const draft = drafts.get(id);
    if (draft) {
      draft.count += step.count;
      draft.recent += recentCount;
      draft.reasons[step.reason] = (draft.reasons[step.reason] ?? 0) + step.count;
    } else {
      drafts.set(id, { id, source, target, kind, count: step.count, recent: recentCount, reasons: { [step.reason]: step.count } });
    }
  }

  // Layout-only edges chain the entry, the deployments and the failures into one column, in
  // the given order; the real edges are routed around it.
  const ordered = [...drafts.values()].sort((p, q) => p.id.localeCompare(q.id));
  const column = [ENTRY_NODE, ...deployments.map((d) => `dep:${d.deploymentId}`), FAILED_NODE];
  const spine: LayoutEdgeInput[] = column.slice(1).map((id, i) => ({
    id: `layout:${column[i]}->${id}`,
    source: column[i] as string,
    target: id,
    weight: 10,
  }));
  // Room for the widest label an edge can show: its words, its count, the latest frame's
  // "+n" and a what-if "(+n)"; fixed per run so labels do not move as counts grow.
  const digits = String(Math.max(1, counts.totalRequests)).length;
  const labelRoom = (e: EdgeDraft) =>
    labelWidth(`${e.kind === 'skipped' ? 'skipped: cooling down, rpm limit' : e.kind} ${'8'.repeat(digits)} +${'8'.repeat(digits)} (+${'8'.repeat(digits)})`, 13);
  const layout = layoutFlow(
    [
      { id: ENTRY_NODE, width: NODE_WIDTH, height: END_HEIGHT },
      ...deployments.map((d) => ({ id: `dep:${d.deploymentId}`, width: NODE_WIDTH, height: DEPLOYMENT_HEIGHT })),
      { id: RESPONSE_NODE, width: RESPONSE_WIDTH, height: END_HEIGHT },
      { id: FAILED_NODE, width: NODE_WIDTH, height: END_HEIGHT },
    ],
    [
      ...spine,
      ...ordered.map((e) => ({ id: e.id, source: e.source, target: e.target, labelWidth: labelRoom(e), labelHeight: LABEL_HEIGHT })),
    ],
    { direction: 'TB', nodeGap: 28, rankGap: 44, edgeGap: 14 },
  );
  const edges: DiagramEdge[] = ordered.map((draft) => {
    const route = layout.edges.get(draft.id)!;
    return {
      ...draft,
      width: strokeWidth(draft.count, counts.totalRequests),
      points: route.points,
      label: route.label,
      labelAlign: 'center',
    };
  });

  const box = (id: string) => {
    const { x, y, width, height } = layout.nodes.get(id)!;
    return { x, y, width, height };
  };
  const nodes: DiagramNode[] = [
    { id: ENTRY_NODE, kind: 'entry', label: 'Requests', ...box(ENTRY_NODE), count: counts.totalRequests },
    ...deployments.map((d, i): DiagramNode => {
      const c = byId.get(d.deploymentId);
      const id = `dep:${d.deploymentId}`;
      return {
        id,
        kind: 'deployment',
        label: d.deploymentName,
        detail: strategy === 'PRIORITY_FAILOVER' ? `Priority ${i + 1} · ${d.provider}` : d.provider,
        ...box(id),
        count: c?.attempts ?? 0,
        successes: c?.successes ?? 0,
        failures: (c?.attempts ?? 0) - (c?.successes ?? 0),
        retries: selfRetries.get(d.deploymentId) ?? 0,
        skipped: skippedAt.get(d.deploymentId) ?? 0,
      };
    }),
    { id: RESPONSE_NODE, kind: 'response', label: 'Response', ...box(RESPONSE_NODE), count: counts.successfulRequests },
    {
      id: FAILED_NODE,
      kind: 'failed',
      label: 'Failed',
      ...box(FAILED_NODE),
      count: counts.totalRequests - counts.successfulRequests,
    },
  ];
  return { nodes, edges, width: layout.width, height: layout.height };
}
