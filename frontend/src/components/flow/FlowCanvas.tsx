// The one flow-diagram component: React Flow, read-only, showing nodes and edges that the shared
// layout (./layout.ts) placed. Fitted to the container's width up to `maxZoom`, never to its
// height: the text stays readable and the page scrolls, however many deployments there are.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  ReactFlow,
  type Edge,
  type EdgeTypes,
  type Node,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { STATIC_FLOW_PROPS } from './static-flow';
import './flow.css';

type Size = { width: number; height: number };

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number | null] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w) setWidth(Math.round(w));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export interface FlowCanvasProps<N extends Node, E extends Edge> {
  /** Positioned by the layout, each with its width and height set. */
  nodes: readonly N[];
  edges: readonly E[];
  nodeTypes: NodeTypes;
  edgeTypes?: EdgeTypes;
  /** The layout's size. */
  width: number;
  height: number;
  maxZoom?: number;
  className: string;
  testId: string;
  ariaLabel: string;
  children?: React.ReactNode;
}

export function FlowCanvas<N extends Node, E extends Edge>({
  nodes,
  edges,
  nodeTypes,
  edgeTypes,
  width: diagramWidth,
  height: diagramHeight,
  maxZoom = 1,
  className,
  testId,
  ariaLabel,
  children,
}: FlowCanvasProps<N, E>) {
  // Nodes rebuilt every frame: handing React Flow their measured sizes back keeps it from
  // treating them as new, unmeasured nodes (whose edges it would not draw until the next resize).
  const [sizes, setSizes] = useState<Record<string, Size>>({});
  const onNodesChange = useCallback((changes: NodeChange<N>[]) => {
    const measured = changes.flatMap((c) => (c.type === 'dimensions' && c.dimensions ? [[c.id, c.dimensions] as const] : []));
    if (measured.length > 0) setSizes((old) => ({ ...old, ...Object.fromEntries(measured) }));
  }, []);
  const measuredNodes = useMemo(
    () =>
      nodes.map((node) => ({
        ...node,
        measured: sizes[node.id] ?? { width: node.width, height: node.height },
        draggable: false,
        connectable: false,
        selectable: false,
      })),
    [nodes, sizes],
  );

  const [ref, measuredWidth] = useWidth<HTMLDivElement>();
  const width = measuredWidth ?? diagramWidth;
  const zoom = Math.min(maxZoom, width / diagramWidth);
  const x = Math.max(0, (width - diagramWidth * zoom) / 2);
  const height = Math.ceil(diagramHeight * zoom);

  return (
    <div
      ref={ref}
      className={className}
      style={{ height }}
      data-testid={testId}
      data-zoom={zoom.toFixed(3)}
      aria-label={ariaLabel}
    >
      <ReactFlow
        nodes={measuredNodes}
        edges={edges as E[]}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        viewport={{ x, y: 0, zoom }}
        minZoom={0.1}
        maxZoom={4}
        panOnDrag={false}
        zoomOnPinch={false}
        zoomOnDoubleClick={false}
        {...STATIC_FLOW_PROPS}
      >
        {children}
      </ReactFlow>
    </div>
  );
}
