// The simulation's flow diagram as plain data: nodes for the entry, each deployment, the
// response and the failures; edges for the server's flow steps, grouped per (from, to, kind) so
// a pair of deployments gets one edge whatever error kinds moved requests between them.
//
// Vertical, like the builder's preview: requests at the top, the deployments in one column
// below (by priority for failover), failures at the bottom, the response to the right. Every
// edge carries its own route (a polyline in flow coordinates) so nothing is drawn through a
// node: an edge between neighbours goes straight down, anything longer (an entry edge to a
// deployment below the first, a fallback that jumps a tier, a move back up) runs in its own
// lane to the left of the column. The component only hands this to @xyflow/react.
import type { RoutingStrategy } from '@/gql/graphql';
import { SKIPPED_PREFIX, flowKey, type DeploymentRef, type TrafficCounts } from './traffic-counts';

export type FlowEdgeKind = 'primary' | 'success' | 'fallback' | 'retry' | 'failed' | 'skipped';
export type Point = readonly [number, number];

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
const ROW = 162;
const LANE = 22;
const LANE_MARGIN = 28;
const LANE_LABEL_ROOM = 48;
const RESPONSE_GAP = 120;
const RESPONSE_WIDTH = 140;
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

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const centerX = (b: Box) => b.x + b.width / 2;
const middleY = (b: Box) => b.y + b.height / 2;
const bottom = (b: Box) => b.y + b.height;

/** Column slot of a node: entry 0, deployments 1..n, failed n+1. */
type Slots = Map<string, number>;

interface EdgeDraft {
  id: string;
  source: string;
  target: string;
  kind: FlowEdgeKind;
  count: number;
  recent: number;
  reasons: Record<string, number>;
}

// Straight edges between neighbours sit side by side: the main flow in the middle, the
// skip edges to its right, so a fallback and a skip along the same pair never overlap.
const STRAIGHT_OFFSET: Record<FlowEdgeKind, number> = {
  primary: 0,
  fallback: -18,
  retry: -18,
  failed: 0,
  success: 0,
  skipped: 36,
};

function route(
  edge: EdgeDraft,
  boxes: Map<string, Box>,
  slots: Slots,
  lane: () => number,
): { points: Point[]; label: Point; labelAlign: LabelAlign } {
  const from = boxes.get(edge.source) as Box;
  const to = boxes.get(edge.target) as Box;
  if (edge.target === RESPONSE_NODE) {
    // Each answering node turns down (or up) at its own x, clear of the count labels that
    // sit on the horizontal stretch just right of the nodes.
    const start: Point = [from.x + from.width, middleY(from)];
    const end: Point = [to.x, middleY(to)];
    const bend = start[0] + 64 + Math.min(3, slots.get(edge.source) ?? 0) * 10;
    return {
      points: [start, [bend, start[1]], [bend, end[1]], end],
      label: [start[0] + 30, start[1]],
      labelAlign: 'center',
    };
  }
  const a = slots.get(edge.source) ?? 0;
  const b = slots.get(edge.target) ?? 0;
  if (b === a + 1) {
    const x = centerX(from) + STRAIGHT_OFFSET[edge.kind];
    const start: Point = [x, bottom(from)];
    const end: Point = [x, to.y];
    // Side by side between two nodes: a fallback's label hangs left of its line, a skip's
    // right of its own, so neither covers the other.
    const side: LabelAlign = edge.kind === 'skipped' ? 'left' : edge.kind === 'fallback' || edge.kind === 'retry' ? 'right' : 'center';
    const nudge = side === 'left' ? 6 : side === 'right' ? -6 : 0;
    return { points: [start, end], label: [x + nudge, (start[1] + end[1]) / 2], labelAlign: side };
  }
  // Around the nodes in between: out of the source's left side, down (or up) a lane of its
  // own, into the target's left side.
  const x = lane();
  const start: Point = [from.x, middleY(from) + (edge.kind === 'skipped' ? 14 : 0)];
  const end: Point = [to.x, middleY(to) - (edge.kind === 'skipped' ? 14 : 0)];
  return {
    points: [start, [x, start[1]], [x, end[1]], end],
    label: [x, (start[1] + end[1]) / 2],
    labelAlign: 'center',
  };
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

  // Lanes first, so the column can start to the right of them.
  const slots: Slots = new Map([[ENTRY_NODE, 0]]);
  deployments.forEach((d, i) => slots.set(`dep:${d.deploymentId}`, i + 1));
  slots.set(FAILED_NODE, deployments.length + 1);
  const needsLane = (e: EdgeDraft) =>
    e.target !== RESPONSE_NODE && (slots.get(e.target) ?? 0) !== (slots.get(e.source) ?? 0) + 1;
  const ordered = [...drafts.values()].sort((p, q) => p.id.localeCompare(q.id));
  const laneCount = ordered.filter(needsLane).length;
  // Room on the left for the lanes, and for the count labels that sit on them.
  const columnX = (laneCount > 0 ? LANE_LABEL_ROOM : 0) + LANE_MARGIN + laneCount * LANE;

  const boxes = new Map<string, Box>();
  const place = (id: string, slot: number, height: number) =>
    boxes.set(id, { x: columnX, y: slot * ROW + (DEPLOYMENT_HEIGHT - height) / 2, width: NODE_WIDTH, height });
  place(ENTRY_NODE, 0, END_HEIGHT);
  deployments.forEach((d, i) => place(`dep:${d.deploymentId}`, i + 1, DEPLOYMENT_HEIGHT));
  place(FAILED_NODE, deployments.length + 1, END_HEIGHT);
  const middleSlot = (deployments.length + 1) / 2;
  boxes.set(RESPONSE_NODE, {
    x: columnX + NODE_WIDTH + RESPONSE_GAP,
    y: middleSlot * ROW + (DEPLOYMENT_HEIGHT - END_HEIGHT) / 2,
    width: RESPONSE_WIDTH,
    height: END_HEIGHT,
  });

  // Longer edges get outer lanes, so shorter ones never cross them.
  const span = (e: EdgeDraft) => Math.abs((slots.get(e.target) ?? 0) - (slots.get(e.source) ?? 0));
  const laneOrder = ordered.filter(needsLane).sort((p, q) => span(p) - span(q) || p.id.localeCompare(q.id));
  const laneOf = new Map(laneOrder.map((e, i) => [e.id, columnX - LANE_MARGIN / 2 - i * LANE]));

  const edges: DiagramEdge[] = ordered.map((draft) => {
    const { points, label, labelAlign } = route(draft, boxes, slots, () => laneOf.get(draft.id) ?? columnX - LANE_MARGIN);
    return { ...draft, width: strokeWidth(draft.count, counts.totalRequests), points, label, labelAlign };
  });

  const box = (id: string) => boxes.get(id) as Box;
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
  const response = box(RESPONSE_NODE);
  return {
    nodes,
    edges,
    width: response.x + response.width + 16,
    height: bottom(box(FAILED_NODE)) + 16,
  };
}

/** An SVG path through `points` with rounded corners. */
export function roundedPath(points: readonly Point[], radius = 10): string {
  const first = points[0];
  if (!first) return '';
  let d = `M ${first[0]} ${first[1]}`;
  for (let i = 1; i < points.length; i += 1) {
    const [x, y] = points[i] as Point;
    const next = points[i + 1];
    if (!next) {
      d += ` L ${x} ${y}`;
      break;
    }
    const [px, py] = points[i - 1] as Point;
    const inLen = Math.hypot(x - px, y - py);
    const outLen = Math.hypot(next[0] - x, next[1] - y);
    const r = Math.min(radius, inLen / 2, outLen / 2);
    if (r <= 0) {
      d += ` L ${x} ${y}`;
      continue;
    }
    const bx = x - ((x - px) / inLen) * r;
    const by = y - ((y - py) / inLen) * r;
    const ax = x + ((next[0] - x) / outLen) * r;
    const ay = y + ((next[1] - y) / outLen) * r;
    d += ` L ${bx} ${by} Q ${x} ${y} ${ax} ${ay}`;
  }
  return d;
}
