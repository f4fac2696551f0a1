import type { Viewport } from '@xyflow/react';
import type { Box } from './edgeRoutes';

/** Room kept free at the pane's top for the graph's toolbar, around the graph, and below it for the channels back edges take. */
const TOP = 56;
const PAD = 16;
const BOTTOM = 64;

/**
 * The viewport that frames the graph (`boxes`, flow coordinates: its nodes at their measured sizes,
 * and what its edges cover) at 100 %
 * (the zoom at which a node is 220 px wide and its smallest text 11 px): centred when it fits the
 * pane, else from its top-left corner (the entry agent first), the rest a scroll away; never shrunk
 * to fit, which made nodes unreadable in a narrow pane. Null for an empty graph or pane.
 */
export function readableViewport(boxes: Iterable<Box>, width: number, height: number): Viewport | null {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const b of boxes) {
    left = Math.min(left, b.x);
    top = Math.min(top, b.y);
    right = Math.max(right, b.x + b.width);
    bottom = Math.max(bottom, b.y + b.height);
  }
  if (left === Infinity || width === 0 || height === 0) return null;
  const room = { width: width - 2 * PAD, height: height - TOP - BOTTOM };
  const w = right - left;
  const h = bottom - top;
  const x = w <= room.width ? PAD + (room.width - w) / 2 - left : PAD - left;
  const y = h <= room.height ? TOP + (room.height - h) / 2 - top : TOP - top;
  return { x, y, zoom: 1 };
}
