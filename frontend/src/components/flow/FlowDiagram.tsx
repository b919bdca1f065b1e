// The request flow of a run (or of live traffic): props-driven, so anything that folds
// RequestTrace batches into `TrafficCounts` (utils/traffic-counts.ts) can draw it.
import { memo, useMemo } from 'react';
import {
  BaseEdge,
  EdgeLabelRenderer,
  Handle,
  MarkerType,
  Position,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import type { RoutingStrategy } from '@/gql/graphql';
import { FlowCanvas } from './FlowCanvas';
import { roundedPath } from './layout';
import {
  buildDiagram,
  skipReasonText,
  type DiagramNode,
  type FlowEdgeKind,
  type LabelAlign,
  type Point,
} from './flow-diagram';

// 'left': the label starts at its point and extends right; 'right': it ends there.
const LABEL_SHIFT: Record<LabelAlign, string> = { center: '-50%', left: '0%', right: '-100%' };
import type { DeploymentRef, TrafficCounts } from './traffic-counts';
import { formatCount } from '@/components/formatting';

export const EDGE_COLORS: Record<FlowEdgeKind, string> = {
  primary: '#2563eb',
  success: '#16a34a',
  fallback: '#ea580c',
  retry: '#ca8a04',
  failed: '#dc2626',
  skipped: '#7c3aed',
};

type TrafficNode = Node<DiagramNode & Record<string, unknown>, 'traffic'>;
type TrafficEdgeData = {
  kind: FlowEdgeKind;
  count: number;
  width: number;
  recent: number;
  reasons: Record<string, number>;
  points: Point[];
  label: Point;
  labelAlign: LabelAlign;
  changed?: number;
};
type TrafficEdge = Edge<TrafficEdgeData, 'traffic'>;

const NODE_CLASS: Record<DiagramNode['kind'], string> = {
  entry: 'flow-node-request',
  deployment: 'flow-node-deployment',
  response: 'flow-node-success',
  failed: 'flow-node-failure',
};

function TrafficNodeView({ data }: NodeProps<TrafficNode>) {
  return (
    <div
      className={`flow-node sim-flow-node ${NODE_CLASS[data.kind]}`}
      style={{ width: data.width, height: data.height }}
      data-testid="flow-node"
      data-node-id={data.id}
      data-count={data.count}
      data-successes={data.successes}
      data-failures={data.failures}
      data-retries={data.retries}
      data-skipped={data.skipped}
    >
      {/* Edges draw their own routes; the handles only anchor them and are never shown. */}
      <Handle type="target" position={Position.Top} isConnectable={false} className="sim-flow-handle" />
      <div className="flow-node-label" title={data.label}>
        {data.label}
      </div>
      {data.detail && <div className="flow-node-detail">{data.detail}</div>}
      <div className="sim-node-count">
        {data.kind === 'deployment' ? (
          <>
            {formatCount(data.count)} attempts
            <span className="sim-node-split">
              <span className="sim-ok">✓ {formatCount(data.successes ?? 0)}</span>{' '}
              <span className="sim-err">✗ {formatCount(data.failures ?? 0)}</span>
            </span>
          </>
        ) : (
          formatCount(data.count)
        )}
      </div>
      {((data.retries ?? 0) > 0 || (data.skipped ?? 0) > 0) && (
        <div className="sim-node-badges">
          {(data.retries ?? 0) > 0 && (
            <span className="sim-node-retries" title="Retries that stayed on this deployment">
              ↻ {formatCount(data.retries ?? 0)} retries
            </span>
          )}
          {(data.skipped ?? 0) > 0 && (
            <span className="sim-node-skipped" title="Requests that passed this deployment over without trying it">
              ⤼ {formatCount(data.skipped ?? 0)} skipped
            </span>
          )}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="sim-flow-handle" />
    </div>
  );
}

function edgeTitle(kind: FlowEdgeKind, reasons: Record<string, number>): string {
  const parts = Object.entries(reasons).map(([reason, n]) => `${reason.replace(/_/g, ' ')}: ${formatCount(n)}`);
  return `${kind} — ${parts.join(', ')}`;
}

function edgeText(data: TrafficEdgeData): string {
  if (data.kind === 'skipped') {
    const why = [...new Set(Object.keys(data.reasons).map(skipReasonText))].join(', ');
    return `skipped: ${why} `;
  }
  return data.kind === 'fallback' || data.kind === 'retry' ? `${data.kind} ` : '';
}

function TrafficEdgeView({ id, data, markerEnd }: EdgeProps<TrafficEdge>) {
  if (!data) return null;
  const path = roundedPath(data.points);
  const color = EDGE_COLORS[data.kind];
  const hot = data.recent > 0;
  const dashed = data.kind === 'skipped';
  // More requests in the latest frame, more dots travelling along the edge.
  const dots = hot ? Math.min(3, Math.ceil(Math.log10(data.recent + 1))) : 0;
  const [labelX, labelY] = data.label;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        style={{
          stroke: color,
          strokeWidth: dashed ? Math.max(2, data.width / 2) : data.width,
          strokeOpacity: dashed ? 0.85 : 0.45,
          strokeDasharray: dashed ? '7 6' : undefined,
        }}
      />
      {hot && !dashed && <path d={path} className="sim-edge-flow" style={{ stroke: color }} fill="none" />}
      {Array.from({ length: dashed ? 0 : dots }, (_, i) => (
        <circle key={i} r={Math.min(6, 2.5 + data.width / 4)} fill={color} className="sim-edge-dot">
          <animateMotion dur="0.9s" begin={`${(i * 0.3).toFixed(1)}s`} repeatCount="indefinite" path={path} />
        </circle>
      ))}
      <EdgeLabelRenderer>
        <div
          className={`sim-edge-label${hot ? ' sim-edge-label-hot' : ''}${data.changed ? ' sim-edge-label-changed' : ''}`}
          style={{
            transform: `translate(${labelX}px, ${labelY}px) translate(${LABEL_SHIFT[data.labelAlign]}, -50%)`,
            // Dark text, the edge's colour as the border: a light edge colour as text fails contrast.
            borderColor: color,
          }}
          title={edgeTitle(data.kind, data.reasons)}
          data-testid="flow-edge"
          data-edge-id={id}
          data-kind={data.kind}
          data-count={data.count}
        >
          {edgeText(data)}
          {formatCount(data.count)}
          {hot && <span className="sim-edge-recent"> +{formatCount(data.recent)}</span>}
          {data.changed ? (
            <span className="sim-edge-delta">
              {' '}
              ({data.changed > 0 ? '+' : ''}
              {formatCount(data.changed)})
            </span>
          ) : null}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

const nodeTypes = { traffic: memo(TrafficNodeView) };
const edgeTypes = { traffic: memo(TrafficEdgeView) };

export interface FlowDiagramProps {
  strategy: RoutingStrategy;
  /** In display order (see `orderedDeployments`). */
  deployments: readonly DeploymentRef[];
  counts: TrafficCounts;
  /** Flow key -> requests that took it in the latest frame (from `flowDelta`); drives the pulses. */
  recent?: Readonly<Record<string, number>>;
  /** Edge id -> difference against another run, shown next to the count (what-if). */
  differences?: Readonly<Record<string, number>>;
  /** The largest zoom; the diagram is fitted to the container's width up to it. */
  maxZoom?: number;
}

export function FlowDiagram({ strategy, deployments, counts, recent, differences, maxZoom = 1.15 }: FlowDiagramProps) {
  const diagram = useMemo(
    () => buildDiagram(strategy, deployments, counts, recent),
    [strategy, deployments, counts, recent],
  );
  const nodes: TrafficNode[] = useMemo(
    () =>
      diagram.nodes.map((node) => ({
        id: node.id,
        type: 'traffic',
        position: { x: node.x, y: node.y },
        data: { ...node },
        width: node.width,
        height: node.height,
      })),
    [diagram],
  );
  const edges: TrafficEdge[] = useMemo(
    () =>
      diagram.edges.map((edge) => ({
        id: edge.id,
        type: 'traffic',
        source: edge.source,
        target: edge.target,
        // In user space, so a thick edge keeps a normal-sized arrowhead.
        markerEnd: {
          type: MarkerType.ArrowClosed,
          color: EDGE_COLORS[edge.kind],
          width: 18,
          height: 18,
          markerUnits: 'userSpaceOnUse',
        },
        data: {
          kind: edge.kind,
          count: edge.count,
          width: edge.width,
          recent: edge.recent,
          reasons: edge.reasons,
          points: edge.points,
          label: edge.label,
          labelAlign: edge.labelAlign,
          changed: differences?.[edge.id],
        },
      })),
    [diagram, differences],
  );
  return (
    <FlowCanvas
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      width={diagram.width}
      height={diagram.height}
      maxZoom={maxZoom}
      className="sim-flow"
      testId="flow-diagram"
      ariaLabel="Traffic flow diagram"
    />
  );
}
