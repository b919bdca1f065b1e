// An edge drawn along the route the layout gave it, its label where the layout made room for it.
import { BaseEdge, EdgeLabelRenderer, type Edge, type EdgeProps } from '@xyflow/react';
import { roundedPath, type Point } from './layout';

export type RoutedEdgeData = {
  points: Point[];
  label: Point;
  text?: string;
  color: string;
  dashed?: boolean;
};
export type RoutedEdgeType = Edge<RoutedEdgeData, 'routed'>;

export function RoutedEdge({ id, data, markerEnd }: EdgeProps<RoutedEdgeType>) {
  if (!data) return null;
  const [x, y] = data.label;
  return (
    <>
      <BaseEdge
        id={id}
        path={roundedPath(data.points)}
        markerEnd={markerEnd}
        style={{ stroke: data.color, strokeWidth: 1.5, strokeDasharray: data.dashed ? '6 4' : undefined }}
      />
      {data.text && (
        <EdgeLabelRenderer>
          <div
            className="flow-edge-label"
            style={{ transform: `translate(${x}px, ${y}px) translate(-50%, -50%)`, borderColor: data.color }}
            data-testid="flow-preview-edge-label"
          >
            {data.text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
