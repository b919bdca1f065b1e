/** React Flow settings shared by every diagram that shows a flow rather than edits one. */
export const STATIC_FLOW_PROPS = {
  nodesDraggable: false,
  nodesConnectable: false,
  elementsSelectable: false,
  zoomOnScroll: false,
  panOnScroll: false,
  preventScrolling: false,
  proOptions: { hideAttribution: true },
} as const;
