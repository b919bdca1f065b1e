import { useMemo } from 'react';
import {
  Background,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { RoutingStrategy } from '@/gql/graphql';
import {
  buildFlowGraph,
  type FlowDeployment,
  type FlowEdgeKind,
  type FlowNodeKind,
} from '../utils/flow-graph';
import { STATIC_FLOW_PROPS } from '@/lib/static-flow';
import '@/components/flow/flow.css';

const EDGE_COLORS: Record<FlowEdgeKind, string> = {
  route: '#2563eb',
  error: '#dc2626',
  success: '#16a34a',
};

type StepNode = Node<{ label: string; detail?: string; kind: FlowNodeKind }, 'step'>;

// Handles on all sides: the failover chain goes down on error and right on success; the
// fan-out enters and leaves sideways.
function StepNodeView({ data }: NodeProps<StepNode>) {
  return (
    <div className={`flow-node flow-node-${data.kind}`}>
      <Handle type="target" position={Position.Left} id="left" isConnectable={false} />
      <Handle type="target" position={Position.Top} id="top" isConnectable={false} />
      <div className="flow-node-label">{data.label}</div>
      {data.detail && <div className="flow-node-detail">{data.detail}</div>}
      <Handle type="source" position={Position.Right} id="right" isConnectable={false} />
      <Handle type="source" position={Position.Bottom} id="bottom" isConnectable={false} />
    </div>
  );
}

const nodeTypes = { step: StepNodeView };

interface FlowPreviewProps {
  strategy: RoutingStrategy;
  deployments: readonly FlowDeployment[];
}

export function FlowPreview({ strategy, deployments }: FlowPreviewProps) {
  const chain = strategy === 'PRIORITY_FAILOVER';
  const { nodes, edges, height } = useMemo(() => {
    const graph = buildFlowGraph(strategy, deployments);
    const nodes: StepNode[] = graph.nodes.map((node) => ({
      id: node.id,
      type: 'step',
      position: { x: node.x, y: node.y },
      data: { label: node.label, detail: node.detail, kind: node.kind },
      draggable: false,
      connectable: false,
    }));
    const edges: Edge[] = graph.edges.map((edge) => {
      const color = EDGE_COLORS[edge.kind];
      const downwards = chain && edge.kind !== 'success';
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        sourceHandle: downwards ? 'bottom' : 'right',
        targetHandle: downwards ? 'top' : 'left',
        label: edge.label,
        animated: edge.kind === 'error',
        style: { stroke: color, strokeWidth: 1.5, strokeDasharray: edge.kind === 'error' ? '6 4' : undefined },
        labelStyle: { fill: color, fontWeight: 600 },
        labelBgStyle: { fill: '#ffffff' },
        markerEnd: { type: MarkerType.ArrowClosed, color },
      };
    });
    const rows = chain ? graph.nodes.length - deployments.length : Math.max(deployments.length, 1);
    return { nodes, edges, height: Math.min(560, Math.max(240, rows * 82 + 40)) };
  }, [strategy, deployments, chain]);

  return (
    <div className="flow-preview" style={{ height }} data-testid="flow-preview" aria-label="Routing flow preview">
      <ReactFlow
        key={`${strategy}:${deployments.length}`}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.12 }}
        {...STATIC_FLOW_PROPS}
      >
        <Background gap={16} color="#e5e7eb" />
      </ReactFlow>
    </div>
  );
}
