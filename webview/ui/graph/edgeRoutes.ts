/** A node's box in flow coordinates. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * How one edge is drawn. `lane` spreads edges between the same two nodes apart (0 for a lone edge);
 * `detourY`, for an edge that runs against the left-to-right flow (a cycle's back edge, an ask up the
 * chain, a result going back), is the height of the channel it takes below the nodes it would cross.
 */
export interface EdgeRoute {
  lane: number;
  detourY: number | null;
}

const LANE_GAP = 30;
const DETOUR_MARGIN = 28;
const DETOUR_GAP = 22;

/**
 * Routes for every edge: lanes for edges that share a pair of nodes (either direction), so
 * opposite hand-offs and an ask beside a hand-off are drawn apart, each with its label on its own
 * curve; and a channel below the nodes for each edge that points backwards, so a cycle is drawn
 * around the nodes instead of through them. Channels of overlapping spans stack, one below the other.
 */
export function edgeRoutes(edges: readonly { id: string; source: string; target: string }[], boxes: ReadonlyMap<string, Box>): Map<string, EdgeRoute> {
  const out = new Map<string, EdgeRoute>();
  const groups = new Map<string, string[]>();
  for (const e of edges) {
    const key = e.source < e.target ? `${e.source}|${e.target}` : `${e.target}|${e.source}`;
    groups.set(key, [...(groups.get(key) ?? []), e.id]);
  }
  const laneOf = new Map<string, number>();
  for (const ids of groups.values()) ids.forEach((id, i) => laneOf.set(id, ids.length === 1 ? 0 : (i - (ids.length - 1) / 2) * LANE_GAP));

  const channels: { from: number; to: number; y: number }[] = [];
  const backwards = edges
    .map((e) => ({ e, s: boxes.get(e.source), t: boxes.get(e.target) }))
    .filter((x): x is { e: (typeof edges)[number]; s: Box; t: Box } => !!x.s && !!x.t && x.t.x <= x.s.x + x.s.width + 20)
    // Short spans first, so they take the channels nearest the nodes.
    .sort((a, b) => span(a.s, a.t) - span(b.s, b.t) || a.e.id.localeCompare(b.e.id));
  const detour = new Map<string, number>();
  for (const { e, s, t } of backwards) {
    const from = Math.min(t.x, s.x) - 40;
    const to = Math.max(t.x + t.width, s.x + s.width) + 40;
    let y = DETOUR_MARGIN + Math.max(...[...boxes.values()].filter((b) => b.x < to && b.x + b.width > from).map((b) => b.y + b.height));
    for (const c of channels) if (c.from < to && c.to > from && c.y >= y - DETOUR_GAP / 2) y = c.y + DETOUR_GAP;
    channels.push({ from, to, y });
    detour.set(e.id, y);
  }
  // Lanes count across the pair's one direction (lower id to higher); edgePath bows along the edge's
  // own direction, so an edge pointing the other way takes the lane's opposite sign to stay apart.
  for (const e of edges) out.set(e.id, { lane: (laneOf.get(e.id) ?? 0) * (e.source <= e.target ? 1 : -1), detourY: detour.get(e.id) ?? null });
  return out;
}

function span(a: Box, b: Box): number {
  return Math.abs(a.x - b.x);
}

/**
 * The SVG path of an edge from the source's right handle (sx, sy) to the target's left handle
 * (tx, ty), and the point its label sits on (a point of the path itself).
 */
export function edgePath(sx: number, sy: number, tx: number, ty: number, route: EdgeRoute): { path: string; labelX: number; labelY: number } {
  if (route.detourY !== null) {
    // Out to the right, down into the channel, back along it, and up into the target from its left.
    const y = route.detourY + Math.max(0, route.lane);
    const r = 36;
    const path = `M ${sx} ${sy} C ${sx + r} ${sy}, ${sx + r} ${y}, ${sx} ${y} L ${tx} ${y} C ${tx - r} ${y}, ${tx - r} ${ty}, ${tx} ${ty}`;
    return { path, labelX: (sx + tx) / 2, labelY: y };
  }
  // A cubic curve, bowed sideways by the lane: perpendicular to the line from source to target.
  const dx = tx - sx;
  const dy = ty - sy;
  const length = Math.hypot(dx, dy) || 1;
  const nx = -dy / length;
  const ny = dx / length;
  // Both control points move by 4/3 of the lane, so the curve's middle moves by the lane itself.
  const bow = (route.lane * 4) / 3;
  const reach = Math.max(40, Math.abs(dx) / 2);
  const c1x = sx + reach + nx * bow;
  const c1y = sy + ny * bow;
  const c2x = tx - reach + nx * bow;
  const c2y = ty + ny * bow;
  const path = `M ${sx} ${sy} C ${c1x} ${c1y}, ${c2x} ${c2y}, ${tx} ${ty}`;
  return { path, labelX: (sx + 3 * c1x + 3 * c2x + tx) / 8, labelY: (sy + 3 * c1y + 3 * c2y + ty) / 8 };
}
