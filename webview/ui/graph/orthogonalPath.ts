interface Point {
  x: number;
  y: number;
}

const CORNER = 8;

/**
 * The SVG path of an edge ELK routed (a polyline of horizontal and vertical segments from the
 * source's right port to the target's left port), with rounded corners, and where its label goes.
 *
 * The ends are moved onto the handles React Flow draws (`source`, `target`): a node measured a few
 * pixels taller than ELK laid it out has its handle a little lower, and the first and last segments
 * (horizontal, out of and into the ports) follow it without losing their right angles. The label's
 * centre, ELK's (inline: on its edge), is put on the nearest point of the path as drawn.
 */
export function orthogonalPath(route: { points: readonly Point[]; label: Point | null }, source: Point, target: Point): { path: string; labelX: number; labelY: number } {
  const points = snapEnds(route.points, source, target);
  let path = `M ${points[0]!.x} ${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const r = Math.min(CORNER, dist(a, b) / 2, dist(b, c) / 2);
    const from = towards(b, a, r);
    const to = towards(b, c, r);
    path += ` L ${from.x} ${from.y} Q ${b.x} ${b.y} ${to.x} ${to.y}`;
  }
  const last = points[points.length - 1]!;
  path += ` L ${last.x} ${last.y}`;
  const label = route.label ? nearestOnPolyline(points, route.label) : middleOf(points);
  return { path, labelX: label.x, labelY: label.y };
}

/** The polyline with its ends on the handles, its first and last segments still horizontal. */
export function snapEnds(route: readonly Point[], source: Point, target: Point): Point[] {
  const points = route.map((p) => ({ ...p }));
  if (points.length < 4) {
    // Straight across (or an unexpected short route): a Z through the middle when the handles are at
    // different heights, so the segments stay horizontal and vertical.
    if (Math.abs(source.y - target.y) < 0.5) return [source, target];
    const x = (source.x + target.x) / 2;
    return [source, { x, y: source.y }, { x, y: target.y }, target];
  }
  points[0] = { ...source };
  points[1]!.y = source.y;
  points[points.length - 1] = { ...target };
  points[points.length - 2]!.y = target.y;
  return points;
}

/** The point of the polyline nearest to `p`. */
export function nearestOnPolyline(points: readonly Point[], p: Point): Point {
  let best = points[0]!;
  let bestD = Infinity;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const len2 = (b.x - a.x) ** 2 + (b.y - a.y) ** 2;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * (b.x - a.x) + (p.y - a.y) * (b.y - a.y)) / len2));
    const q = { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
    const d = dist(p, q);
    if (d < bestD) {
      bestD = d;
      best = q;
    }
  }
  return best;
}

/** The point half-way along the polyline. */
function middleOf(points: readonly Point[]): Point {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += dist(points[i - 1]!, points[i]!);
  let left = total / 2;
  for (let i = 1; i < points.length; i++) {
    const d = dist(points[i - 1]!, points[i]!);
    if (left <= d) return towards(points[i - 1]!, points[i]!, left);
    left -= d;
  }
  return points[points.length - 1]!;
}

const dist = (a: Point, b: Point): number => Math.hypot(b.x - a.x, b.y - a.y);

/** The point `r` along the way from `a` to `b`. */
function towards(a: Point, b: Point, r: number): Point {
  const d = dist(a, b) || 1;
  return { x: a.x + ((b.x - a.x) * r) / d, y: a.y + ((b.y - a.y) * r) / d };
}
