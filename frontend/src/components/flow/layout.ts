// The one layout engine for every flow diagram (builder preview, simulator, live traffic):
// dagre ranks the nodes, orders them to cross as few edges as it can, and routes every edge
// around the nodes, with room made for its label. Callers hand over sizes, get back positions.
import dagre from '@dagrejs/dagre';

export type Point = readonly [number, number];

export interface LayoutNodeInput {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdgeInput {
  id: string;
  source: string;
  target: string;
  /** Room for the edge's label; dagre keeps nodes and other labels out of it. */
  labelWidth?: number;
  labelHeight?: number;
  /** Ranks the edge spans at least (1: the next rank). */
  minlen?: number;
  /** How hard dagre tries to keep the edge short and straight. */
  weight?: number;
}

/** A node's box, top-left corner and size, in diagram coordinates. */
export interface PlacedNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  id: string;
  /** From the source's border to the target's. */
  points: Point[];
  /** The centre of the label's box (the middle of the route when the edge has no label). */
  label: Point;
}

export interface FlowLayout {
  nodes: Map<string, PlacedNode>;
  edges: Map<string, PlacedEdge>;
  width: number;
  height: number;
}

export interface LayoutOptions {
  /** TB: ranks top to bottom; LR: left to right. */
  direction?: 'TB' | 'LR';
  nodeGap?: number;
  rankGap?: number;
  edgeGap?: number;
  /** Empty border around everything, so nothing touches (or is cut at) the edge. */
  margin?: number;
}

/** Width of a one-line label at `fontPx`, with its padding: an estimate dagre can reserve. */
export function labelWidth(text: string, fontPx = 12, padding = 14): number {
  return Math.ceil(text.length * fontPx * 0.62 + padding);
}

// A live diagram is rebuilt every frame with the same nodes and edges and new counts: the last
// few layouts are kept by shape, so dagre runs only when an edge or a node appears.
const cache = new Map<string, FlowLayout>();
const CACHE_SIZE = 8;

/** Positions for `nodes` and routes for `edges`; the same shape always gives the same layout. */
export function layoutFlow(
  nodes: readonly LayoutNodeInput[],
  edges: readonly LayoutEdgeInput[],
  options: LayoutOptions = {},
): FlowLayout {
  const key = JSON.stringify([nodes, edges, options]);
  const hit = cache.get(key);
  if (hit) return hit;
  const layout = computeLayout(nodes, edges, options);
  cache.set(key, layout);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return layout;
}

function computeLayout(
  nodes: readonly LayoutNodeInput[],
  edges: readonly LayoutEdgeInput[],
  { direction = 'TB', nodeGap = 40, rankGap = 56, edgeGap = 16, margin = 16 }: LayoutOptions,
): FlowLayout {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: direction, nodesep: nodeGap, ranksep: rankGap, edgesep: edgeGap, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: node.width, height: node.height });
  for (const edge of edges) {
    graph.setEdge(
      edge.source,
      edge.target,
      {
        width: edge.labelWidth ?? 0,
        height: edge.labelHeight ?? 0,
        labelpos: 'c',
        minlen: edge.minlen ?? 1,
        weight: edge.weight ?? 1,
      },
      edge.id,
    );
  }
  dagre.layout(graph);

  const placedNodes = new Map<string, PlacedNode>();
  for (const node of nodes) {
    const laid = graph.node(node.id);
    placedNodes.set(node.id, { id: node.id, x: laid.x - node.width / 2, y: laid.y - node.height / 2, width: node.width, height: node.height });
  }
  const placedEdges = new Map<string, PlacedEdge>();
  for (const edge of edges) {
    const laid = graph.edge({ v: edge.source, w: edge.target, name: edge.id });
    const points: Point[] = (laid.points ?? []).map((p: { x: number; y: number }) => [p.x, p.y] as const);
    const middle = points[Math.floor(points.length / 2)] ?? [0, 0];
    const label: Point = laid.x !== undefined && laid.y !== undefined && (edge.labelWidth ?? 0) > 0 ? [laid.x, laid.y] : middle;
    placedEdges.set(edge.id, { id: edge.id, points, label });
  }
  return normalised(placedNodes, placedEdges, edges, margin);
}

/** Shifts everything so the top-left of what is drawn (labels included) sits at `margin`. */
function normalised(
  nodes: Map<string, PlacedNode>,
  edges: Map<string, PlacedEdge>,
  inputs: readonly LayoutEdgeInput[],
  margin: number,
): FlowLayout {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const take = (x0: number, y0: number, x1: number, y1: number) => {
    minX = Math.min(minX, x0);
    minY = Math.min(minY, y0);
    maxX = Math.max(maxX, x1);
    maxY = Math.max(maxY, y1);
  };
  for (const n of nodes.values()) take(n.x, n.y, n.x + n.width, n.y + n.height);
  for (const input of inputs) {
    const e = edges.get(input.id) as PlacedEdge;
    for (const [x, y] of e.points) take(x, y, x, y);
    const [lx, ly] = e.label;
    const w = (input.labelWidth ?? 0) / 2;
    const h = (input.labelHeight ?? 0) / 2;
    take(lx - w, ly - h, lx + w, ly + h);
  }
  if (!Number.isFinite(minX)) return { nodes, edges, width: 2 * margin, height: 2 * margin };
  const dx = margin - minX;
  const dy = margin - minY;
  for (const n of nodes.values()) {
    n.x += dx;
    n.y += dy;
  }
  for (const e of edges.values()) {
    e.points = e.points.map(([x, y]) => [x + dx, y + dy] as const);
    e.label = [e.label[0] + dx, e.label[1] + dy];
  }
  return { nodes, edges, width: Math.ceil(maxX - minX + 2 * margin), height: Math.ceil(maxY - minY + 2 * margin) };
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
