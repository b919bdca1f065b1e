import { useMemo } from 'react';
import { Background, Handle, MarkerType, Position, type Node, type NodeProps } from '@xyflow/react';
import type { RoutingStrategy } from '@/gql/graphql';
import { FlowCanvas } from '@/components/flow/FlowCanvas';
import { RoutedEdge, type RoutedEdgeType } from '@/components/flow/RoutedEdge';
import { buildFlowGraph, type FlowDeployment, type FlowEdgeKind, type FlowNode } from '../utils/flow-graph';

const EDGE_COLORS: Record<FlowEdgeKind, string> = {
  route: '#2563eb',
  error: '#dc2626',
  success: '#16a34a',
};

type StepNode = Node<FlowNode & Record<string, unknown>, 'step'>;

// Edges follow the layout's routes; the handles only anchor them and are never shown.
function StepNodeView({ data }: NodeProps<StepNode>) {
  return (
    <div
      className={`flow-node flow-node-${data.kind}`}
      style={{ width: data.width, height: data.height }}
      data-testid="flow-preview-node"
      data-node-id={data.id}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      {data.lines.map((line) => (
        <div key={line} className="flow-node-label" title={line}>
          {line}
        </div>
      ))}
      {data.detail && <div className="flow-node-detail">{data.detail}</div>}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { step: StepNodeView };
const edgeTypes = { routed: RoutedEdge };

interface FlowPreviewProps {
  strategy: RoutingStrategy;
  deployments: readonly FlowDeployment[];
}

export function FlowPreview({ strategy, deployments }: FlowPreviewProps) {
  const { nodes, edges, width, height } = useMemo(() => {
    const graph = buildFlowGraph(strategy, deployments);
    const nodes: StepNode[] = graph.nodes.map((node) => ({
      id: node.id,
      type: 'step',
      position: { x: node.x, y: node.y },
      data: { ...node },
      width: node.width,
      height: node.height,
    }));
    const edges: RoutedEdgeType[] = graph.edges.map((edge) => {
      const color = EDGE_COLORS[edge.kind];
      return {
        id: edge.id,
        type: 'routed',
        source: edge.source,
        target: edge.target,
        animated: edge.kind === 'error',
        data: { points: edge.points, label: edge.labelAt, text: edge.label, color, dashed: edge.kind === 'error' },
        markerEnd: { type: MarkerType.ArrowClosed, color },
      };
    });
    return { nodes, edges, width: graph.width, height: graph.height };
  }, [strategy, deployments]);

  return (
    <FlowCanvas
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      width={width}
      height={height}
      className="flow-preview"
      testId="flow-preview"
      ariaLabel="Routing flow preview"
    >
      <Background gap={16} color="#e5e7eb" />
    </FlowCanvas>
  );
}
