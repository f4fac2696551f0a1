import { BaseEdge, EdgeLabelRenderer, type Edge, type EdgeProps } from '@xyflow/react';
import { edgePath, type EdgeRoute } from './edgeRoutes';
import type { ElkRoute } from './elkLayout';
import { orthogonalPath } from './orthogonalPath';

export type SquadFlowEdge = Edge<{ label: string | null; red: boolean; hot: boolean; trip: { kind: string; warn: boolean } | null; route: EdgeRoute; elk: ElkRoute | null }, 'squad'>;

/**
 * An edge drawn on ELK's route (around the nodes, its label in the middle of it), or, when ELK's
 * route no longer fits (a node was dragged or placed from a saved layout, an edge ELK was not given),
 * on a route of our own (edgeRoutes.ts: its lane among edges of the same two nodes, a channel below
 * the nodes when it points backwards), with its label on the path itself. The label is an
 * HTML element placed by EdgeLabelRenderer: React Flow's default SVG label measures itself (getBBox)
 * whenever its text changes, which forces a layout of the whole page; a live run changes every label
 * many times a second.
 */
export function SquadEdge(props: EdgeProps<SquadFlowEdge>) {
  const route = props.data?.route ?? { lane: 0, detourY: null };
  const elk = props.data?.elk ?? null;
  const { path, labelX, labelY } = elk
    ? orthogonalPath(elk, { x: props.sourceX, y: props.sourceY }, { x: props.targetX, y: props.targetY })
    : edgePath(props.sourceX, props.sourceY, props.targetX, props.targetY, route);
  const label = props.data?.label ?? null;
  const trip = props.data?.trip ?? null;
  const tone = props.data?.red ? ' red' : trip ? (trip.warn ? ' warn' : ' red') : props.data?.hot ? ' hot' : '';
  return (
    <>
      <BaseEdge id={props.id} path={path} {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})} {...(props.style ? { style: props.style } : {})} />
      {label && (
        <EdgeLabelRenderer>
          <div
            className={`sq-edge-label nodrag nopan${tone}`}
            data-edge={props.id}
            data-trip={trip?.kind}
            data-x={labelX}
            data-y={labelY}
            style={{ position: 'absolute', transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
