import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ELK from 'elkjs/lib/elk.bundled.js';
import { afterAll, describe, expect, it } from 'vitest';
import { squadGraph } from '../../model/squadGraph';
import { edgePath, edgeRoutes, type Box } from './edgeRoutes';
import { EDGE_LABEL, elkGraph, layoutEdges, readLayout } from './elkLayout';
import { orthogonalPath } from './orthogonalPath';

/**
 * How the graph's edges are drawn, on every sample and gallery squad, with the edges a run draws
 * (layoutEdges: the declared hand-offs, asks and tool calls, and a result going back along each
 * hand-off, the opposite edge a run shows), judged as the DOM checks of the e2e suites judge the drawn
 * graph (scripts/e2e/layoutChecks.ts): no edge through a node other than its two, each label on its
 * edge, no label over another label or under a node. Labels are the size a run's figures take.
 *
 * The graph draws ELK's routes (ORTHOGONAL, ports in the middle of each node's sides, inline labels):
 * on these squads they have none of those faults. Our own routes (edgeRoutes.ts, lanes and channels
 * below the nodes, over the same positions) had 11 when this was written (5 edges through a node, 2
 * labels over labels, 4 under nodes) and are kept only for what ELK's routes no longer fit
 * (a dragged node, a saved layout, traffic on an edge ELK was not given). Both tallies are printed.
 */
const REPO = resolve(__dirname, '..', '..', '..');
const LABEL = EDGE_LABEL;
const elk = new ELK();

const files = readdirSync(join(REPO, 'samples'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.squad.yaml'))
  .sort();

interface Drawn {
  boxes: Map<string, Box>;
  edges: { id: string; source: string; target: string; points: { x: number; y: number }[]; label: Box | null }[];
}
interface Findings {
  throughNodes: string[];
  labelsOff: string[];
  labelsOverlap: string[];
  labelsUnderNodes: string[];
}

async function laidOut(text: string, file: string) {
  const graph = squadGraph(text, file);
  const edges = layoutEdges(graph.edges);
  const laid = await elk.layout(elkGraph(graph.nodes, edges));
  const boxes = new Map((laid.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 }]));
  return { edges, boxes, layout: readLayout(laid) };
}

/** Our own routes (the fallback) over ELK's node positions. */
async function ours(text: string, file: string): Promise<Drawn> {
  const { edges, boxes } = await laidOut(text, file);
  const routes = edgeRoutes(edges, boxes);
  return {
    boxes,
    edges: edges.map((e) => {
      const s = boxes.get(e.source)!;
      const t = boxes.get(e.target)!;
      // React Flow's handles: the source's on its right side, the target's on its left, both centred.
      const drawn = edgePath(s.x + s.width, s.y + s.height / 2, t.x, t.y + t.height / 2, routes.get(e.id)!);
      const label = !e.labelled ? null : { x: drawn.labelX - LABEL.width / 2, y: drawn.labelY - LABEL.height / 2, ...LABEL };
      return { id: e.id, source: e.source, target: e.target, points: samplePath(drawn.path), label };
    }),
  };
}

/** What the graph draws: ELK's routes, their ends on the handles, as SquadEdge draws them. */
async function drawnByElk(text: string, file: string): Promise<Drawn> {
  const { edges, boxes, layout } = await laidOut(text, file);
  return {
    boxes,
    edges: edges.map((e) => {
      const s = boxes.get(e.source)!;
      const t = boxes.get(e.target)!;
      const route = layout.routes[e.id];
      if (!route) throw new Error(`ELK gave ${e.id} no single route`);
      const drawn = orthogonalPath(route, { x: s.x + s.width, y: s.y + s.height / 2 }, { x: t.x, y: t.y + t.height / 2 });
      const label = e.labelled ? { x: drawn.labelX - LABEL.width / 2, y: drawn.labelY - LABEL.height / 2, ...LABEL } : null;
      return { id: e.id, source: e.source, target: e.target, points: samplePath(drawn.path), label };
    }),
  };
}

function findings({ boxes, edges }: Drawn): Findings {
  const out: Findings = { throughNodes: [], labelsOff: [], labelsOverlap: [], labelsUnderNodes: [] };
  for (const e of edges) {
    if (!e.label) continue;
    const cx = e.label.x + e.label.width / 2,
      cy = e.label.y + e.label.height / 2;
    const d = Math.min(...e.points.map((p) => Math.hypot(p.x - cx, p.y - cy)));
    if (d > 6) out.labelsOff.push(`${e.id} ${d.toFixed(0)}px`);
  }
  for (const e of edges)
    for (const [id, b] of boxes)
      if (id !== e.source && id !== e.target && e.points.some((p) => p.x > b.x + 3 && p.x < b.x + b.width - 3 && p.y > b.y + 3 && p.y < b.y + b.height - 3))
        out.throughNodes.push(`${e.id} through ${id}`);
  const labelled = edges.filter((e) => e.label);
  for (let i = 0; i < labelled.length; i++) {
    for (let j = i + 1; j < labelled.length; j++) if (overlap(labelled[i]!.label!, labelled[j]!.label!)) out.labelsOverlap.push(`${labelled[i]!.id} & ${labelled[j]!.id}`);
    for (const [id, b] of boxes) if (overlap(labelled[i]!.label!, b)) out.labelsUnderNodes.push(`${labelled[i]!.id} under ${id}`);
  }
  return out;
}

const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;

/** Points along an SVG path of M, L, Q and C commands (what edgePath and orthogonalPath write), every few pixels. */
function samplePath(d: string): { x: number; y: number }[] {
  const tokens = d.match(/[MLQC]|-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi) ?? [];
  const out: { x: number; y: number }[] = [];
  let at = { x: 0, y: 0 };
  for (let i = 0; i < tokens.length;) {
    const command = tokens[i++];
    const n = () => Number(tokens[i++]);
    if (command === 'M' || command === 'L') {
      const to = { x: n(), y: n() };
      out.push(...(command === 'L' ? densify([at, to]) : [to]));
      at = to;
    } else if (command === 'Q') {
      const [c, to] = [
        { x: n(), y: n() },
        { x: n(), y: n() },
      ];
      for (let k = 1; k <= 8; k++) {
        const t = k / 8;
        const u = 1 - t;
        out.push({ x: u * u * at.x + 2 * u * t * c.x + t * t * to.x, y: u * u * at.y + 2 * u * t * c.y + t * t * to.y });
      }
      at = to;
    } else if (command === 'C') {
      const [c1, c2, to] = [
        { x: n(), y: n() },
        { x: n(), y: n() },
        { x: n(), y: n() },
      ];
      for (let k = 1; k <= 60; k++) {
        const t = k / 60;
        const u = 1 - t;
        out.push({ x: u * u * u * at.x + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * to.x, y: u * u * u * at.y + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * to.y });
      }
      at = to;
    } else throw new Error(`unexpected path command ${command} in ${d}`);
  }
  return out;
}

/** A polyline's points every 4 px or so. */
function densify(points: { x: number; y: number }[]): { x: number; y: number }[] {
  const out = [points[0]!];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 4));
    for (let k = 1; k <= steps; k++) out.push({ x: a.x + ((b.x - a.x) * k) / steps, y: a.y + ((b.y - a.y) * k) / steps });
  }
  return out;
}

describe('edge routes on the sample and gallery squads', () => {
  const tally: Record<string, { throughNodes: number; labelsOff: number; labelsOverlap: number; labelsUnderNodes: number }> = {};
  const count = (name: string, f: Findings) => {
    const t = (tally[name] ??= { throughNodes: 0, labelsOff: 0, labelsOverlap: 0, labelsUnderNodes: 0 });
    t.labelsOff += f.labelsOff.length;
    t.throughNodes += f.throughNodes.length;
    t.labelsOverlap += f.labelsOverlap.length;
    t.labelsUnderNodes += f.labelsUnderNodes.length;
  };
  afterAll(() => console.log(`edge routing on ${files.length} squads (edges through other nodes, labels off their edges, labels over labels, labels under nodes): ${JSON.stringify(tally)}`));

  it('finds the samples, the deadlock cycle and the chatter squad among them', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(files).toContain(join('failure-modes', 'deadlock-loan-pricing.squad.yaml'));
    expect(files).toContain(join('failure-modes', 'chatter-claims-triage.squad.yaml'));
  });

  for (const file of files) {
    it(`${file}: no edge through another node, each label on its edge, none over another or under a node`, async () => {
      const text = readFileSync(join(REPO, 'samples', file), 'utf8');
      const drawn = findings(await drawnByElk(text, file));
      count('elk (drawn)', drawn);
      count('ours (fallback)', findings(await ours(text, file)));
      expect(drawn).toEqual({ throughNodes: [], labelsOff: [], labelsOverlap: [], labelsUnderNodes: [] });
    });
  }
});
