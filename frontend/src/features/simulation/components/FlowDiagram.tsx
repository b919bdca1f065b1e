import { memo, useCallback, useMemo, useState } from 'react';
import {
  BaseEdge,
  EdgeLabelRenderer,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  getBezierPath,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { RoutingStrategy } from '@/gql/graphql';
import { buildDiagram, type DiagramNode, type FlowEdgeKind, type HandleSide } from '../utils/flow-diagram';
import type { DeploymentRef, TrafficCounts } from '../utils/traffic-counts';
import { formatCount } from '../utils/format';
import '../simulation.css';
import { STATIC_FLOW_PROPS } from '@/lib/static-flow';

export const EDGE_COLORS: Record<FlowEdgeKind, string> = {
  primary: '#2563eb',
  success: '#16a34a',
  fallback: '#ea580c',
  retry: '#ca8a04',
  failed: '#dc2626',
};

const SIDES: Record<HandleSide, Position> = {
  top: Position.Top,
  right: Position.Right,
  bottom: Position.Bottom,
  left: Position.Left,
};

type TrafficNode = Node<DiagramNode & Record<string, unknown>, 'traffic'>;
type TrafficEdgeData = {
  kind: FlowEdgeKind;
  count: number;
  width: number;
  recent: number;
  reasons: Record<string, number>;
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
      data-testid="flow-node"
      data-node-id={data.id}
      data-count={data.count}
      data-successes={data.successes}
      data-failures={data.failures}
      data-retries={data.retries}
    >
      {(Object.keys(SIDES) as HandleSide[]).map((side) => (
        <Handle key={`t-${side}`} type="target" id={`t-${side}`} position={SIDES[side]} isConnectable={false} />
      ))}
      <div className="flow-node-label">{data.label}</div>
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
      {(data.retries ?? 0) > 0 && (
        <div className="sim-node-retries" title="Retries that stayed on this deployment">
          ↻ {formatCount(data.retries ?? 0)} retries
        </div>
      )}
      {(Object.keys(SIDES) as HandleSide[]).map((side) => (
        <Handle key={`s-${side}`} type="source" id={`s-${side}`} position={SIDES[side]} isConnectable={false} />
      ))}
    </div>
  );
}

function edgeTitle(kind: FlowEdgeKind, reasons: Record<string, number>): string {
  const parts = Object.entries(reasons).map(([reason, n]) => `${reason.replace(/_/g, ' ')}: ${formatCount(n)}`);
  return `${kind} — ${parts.join(', ')}`;
}

function TrafficEdgeView(props: EdgeProps<TrafficEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  if (!data) return null;
  const color = EDGE_COLORS[data.kind];
  const hot = data.recent > 0;
  // More requests in the latest frame, more dots travelling along the edge.
  const dots = hot ? Math.min(3, Math.ceil(Math.log10(data.recent + 1))) : 0;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        style={{ stroke: color, strokeWidth: data.width, strokeOpacity: 0.45 }}
      />
      {hot && <path d={path} className="sim-edge-flow" style={{ stroke: color }} fill="none" />}
      {Array.from({ length: dots }, (_, i) => (
        <circle key={i} r={Math.min(6, 2.5 + data.width / 4)} fill={color} className="sim-edge-dot">
          <animateMotion dur="0.9s" begin={`${(i * 0.3).toFixed(1)}s`} repeatCount="indefinite" path={path} />
        </circle>
      ))}
      <EdgeLabelRenderer>
        <div
          className={`sim-edge-label${hot ? ' sim-edge-label-hot' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, color }}
          title={edgeTitle(data.kind, data.reasons)}
          data-testid="flow-edge"
          data-edge-id={id}
          data-kind={data.kind}
          data-count={data.count}
        >
          {data.kind === 'fallback' || data.kind === 'retry' ? `${data.kind} ` : ''}
          {formatCount(data.count)}
          {hot && <span className="sim-edge-recent"> +{formatCount(data.recent)}</span>}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

const nodeTypes = { traffic: memo(TrafficNodeView) };
const edgeTypes = { traffic: memo(TrafficEdgeView) };

interface FlowDiagramProps {
  strategy: RoutingStrategy;
  deployments: readonly DeploymentRef[];
  counts: TrafficCounts;
  recent?: Readonly<Record<string, number>>;
}

type Size = { width: number; height: number };

export function FlowDiagram({ strategy, deployments, counts, recent }: FlowDiagramProps) {
  const diagram = useMemo(
    () => buildDiagram(strategy, deployments, counts, recent),
    [strategy, deployments, counts, recent],
  );
  // The nodes are rebuilt every frame; handing React Flow their measured sizes back keeps it
  // from treating them as new, unmeasured nodes (whose edges it would not draw until the next
  // resize).
  const [sizes, setSizes] = useState<Record<string, Size>>({});
  const onNodesChange = useCallback((changes: NodeChange<TrafficNode>[]) => {
    const measured = changes.flatMap((c) => (c.type === 'dimensions' && c.dimensions ? [[c.id, c.dimensions] as const] : []));
    if (measured.length > 0) setSizes((old) => ({ ...old, ...Object.fromEntries(measured) }));
  }, []);
  const nodes: TrafficNode[] = useMemo(
    () =>
      diagram.nodes.map((node) => ({
        id: node.id,
        type: 'traffic',
        position: { x: node.x, y: node.y },
        data: { ...node },
        measured: sizes[node.id],
        draggable: false,
        connectable: false,
        selectable: false,
      })),
    [diagram, sizes],
  );
  const edges: TrafficEdge[] = useMemo(
    () =>
      diagram.edges.map((edge) => ({
        id: edge.id,
        type: 'traffic',
        source: edge.source,
        target: edge.target,
        sourceHandle: `s-${edge.sourceHandle}`,
        targetHandle: `t-${edge.targetHandle}`,
                // In user space, so a thick edge keeps a normal-sized arrowhead.
        markerEnd: {
          type: MarkerType.ArrowClosed,
          color: EDGE_COLORS[edge.kind],
          width: 18,
          height: 18,
          markerUnits: 'userSpaceOnUse',
        },
        data: { kind: edge.kind, count: edge.count, width: edge.width, recent: edge.recent, reasons: edge.reasons },
      })),
    [diagram],
  );
  const layoutKey = `${strategy}:${deployments.map((d) => d.deploymentId).join(',')}`;

  return (
    <div className="sim-flow" data-testid="flow-diagram" aria-label="Traffic flow diagram">
      <ReactFlow
        key={layoutKey}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        fitView
        fitViewOptions={{ padding: 0.15 }}
        {...STATIC_FLOW_PROPS}
      />
    </div>
  );
}
