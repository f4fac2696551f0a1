import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';

export type SquadFlowEdge = Edge<{ label: string | null; red: boolean; hot: boolean }, 'squad'>;

/**
 * An edge whose label is an HTML element placed by EdgeLabelRenderer. React Flow's default SVG label
 * measures itself (getBBox) whenever its text changes, which forces a layout of the whole page; a
 * live run changes every label many times a second.
 */
export function SquadEdge(props: EdgeProps<SquadFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  const label = props.data?.label ?? null;
  // Results run back along the hand-off they answer, so both labels would sit at the same midpoint:
  // a result's label goes just below it.
  const dy = label !== null && !props.data?.hot && !props.data?.red ? 18 : 0;
  return (
    <>
      <BaseEdge id={props.id} path={path} {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})} {...(props.style ? { style: props.style } : {})} />
      {label && (
        <EdgeLabelRenderer>
          <div className={`sq-edge-label nodrag nopan${props.data?.red ? ' red' : props.data?.hot ? ' hot' : ''}`} style={{ position: 'absolute', transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY + dy}px)` }}>
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
