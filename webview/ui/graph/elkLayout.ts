import ELK, { type ElkNode } from 'elkjs/lib/elk-api.js';
import type { SquadEdge, SquadNodeData } from '../../model/squadGraph';

export const NODE_WIDTH = { agent: 220, server: 180 } as const;
export const NODE_HEIGHT = { agent: 110, server: 64 } as const;

export type Positions = Record<string, { x: number; y: number }>;
/** Nodes' sizes as drawn (React Flow measures them): a node with a wait note or problems is taller. */
export type Sizes = Record<string, { width: number; height: number }>;

/** The size ELK lays a node out with: as drawn once it has been, else an estimate. */
export function nodeSize(n: SquadNodeData, sizes: Sizes): { width: number; height: number } {
  return sizes[n.id] ?? { width: NODE_WIDTH[n.kind], height: NODE_HEIGHT[n.kind] + (n.kind === 'agent' && n.replicas > 1 ? 16 * n.replicas : 0) };
}

/** ELK's options for the squad graph (edgeRoutesOnSamples.test.ts lays the samples out with the same ones). */
export const ELK_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  // Edge labels take a layer of their own between two layers of nodes (inline labels, below): the
  // layers themselves need little room besides, as do nodes of a layer for the edges between them.
  // Tight enough that a chain of three agents (the credit memo, 1,038 px with its routes) fits the
  // graph pane of a 1,400 px window at 100 % (1,080 px beside the 320 px side column).
  'elk.layered.spacing.nodeNodeBetweenLayers': '16',
  'elk.spacing.nodeNode': '40',
  'elk.layered.spacing.edgeNodeBetweenLayers': '10',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  // An edge against the file's order of agents (an ask up the chain, a result going back) is laid
  // out as a feedback edge: it adds no layer, and is routed around the nodes.
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  // ELK routes the edges too: around the nodes, opposite edges apart, each label in the middle of its
  // own edge (inline labels, below) with room kept for it. (A label needs text, any, or ELK leaves it unplaced.)
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.spacing.edgeEdge': '10',
};

/** The room kept for an edge's label: a run's figures ("12 msg · 1538 tok", 11 px monospace). */
export const EDGE_LABEL = { width: 124, height: 20 } as const;

/** An edge ELK routes: `labelled` when a run may put figures on it. */
export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  labelled: boolean;
}

/**
 * The edges a squad's graph draws, declared or not: hand-offs, asks and tool calls, and the result a
 * run sends back along each hand-off (SquadGraphView draws it once the run has traffic on it). All
 * are laid out from the start, so the graph does not move when a run's first result comes back.
 */
export function layoutEdges(edges: readonly SquadEdge[]): LayoutEdge[] {
  const out: LayoutEdge[] = edges.map((e) => ({ id: e.id, source: e.source, target: e.target, labelled: e.kind !== 'tool' }));
  for (const e of edges)
    if (e.kind === 'handoff' && !edges.some((o) => o.kind !== 'tool' && o.source === e.target && o.target === e.source))
      out.push({ id: resultEdgeId(e.target, e.source), source: e.target, target: e.source, labelled: true });
  return out;
}

/** The id of the edge a run's traffic from `source` to `target` (node ids) is drawn on when no declared edge joins them. */
export function resultEdgeId(source: string, target: string): string {
  return `traffic:${source.slice('agent:'.length)}>${target.slice('agent:'.length)}`;
}

/**
 * The graph ELK lays out and routes: every node at its size with a port in the middle of its left
 * side (edges in) and of its right side (edges out), where React Flow draws the node's handles, and
 * every edge between those ports, with room for its label on it.
 */
export function elkGraph(nodes: readonly SquadNodeData[], edges: readonly LayoutEdge[], sizes: Sizes = {}): ElkNode {
  const ids = new Set(nodes.map((n) => n.id));
  return {
    id: 'root',
    layoutOptions: ELK_OPTIONS,
    children: nodes.map((n) => {
      const size = nodeSize(n, sizes);
      return {
        id: n.id,
        ...size,
        // Tool servers in the last layer, after every agent (a server called from the middle of the
        // chain would otherwise take a layer there and push the agents after it further right).
        layoutOptions: { 'elk.portConstraints': 'FIXED_POS', ...(n.kind === 'server' ? { 'elk.layered.layering.layerConstraint': 'LAST' } : {}) },
        ports: [
          { id: `${n.id}:in`, x: 0, y: size.height / 2, width: 0, height: 0, layoutOptions: { 'elk.port.side': 'WEST' } },
          { id: `${n.id}:out`, x: size.width, y: size.height / 2, width: 0, height: 0, layoutOptions: { 'elk.port.side': 'EAST' } },
        ],
      };
    }),
    edges: edges
      .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)
      .map((e) => ({
        id: e.id,
        sources: [`${e.source}:out`],
        targets: [`${e.target}:in`],
        ...(e.labelled ? { labels: [{ id: `${e.id}:label`, text: 'figures', ...EDGE_LABEL, layoutOptions: { 'elk.edgeLabels.inline': 'true' } }] } : {}),
      })),
  };
}

/** An edge as ELK routed it: the polyline from the source's port to the target's, and its label's centre. */
export interface ElkRoute {
  points: { x: number; y: number }[];
  label: { x: number; y: number } | null;
}

export interface GraphLayout {
  positions: Positions;
  routes: Record<string, ElkRoute>;
}

/** Node positions and edge routes out of ELK's answer (every coordinate relative to the graph, as React Flow's). */
export function readLayout(graph: ElkNode): GraphLayout {
  const positions: Positions = {};
  for (const child of graph.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  const routes: Record<string, ElkRoute> = {};
  for (const edge of graph.edges ?? []) {
    const section = edge.sections?.[0];
    if (!section || (edge.sections?.length ?? 0) > 1) continue;
    const label = edge.labels?.[0];
    routes[edge.id] = {
      points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: p.x, y: p.y })),
      label: label ? { x: (label.x ?? 0) + (label.width ?? 0) / 2, y: (label.y ?? 0) + (label.height ?? 0) / 2 } : null,
    };
  }
  return { positions, routes };
}

/** What ElkLayout needs of ELK: elkjs's worker build in the app, its bundled build in tests. */
export interface ElkEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
  terminateWorker(): void;
}

/** How many layouts an ElkLayout keeps (a few views of a few squads; each is a few KB). */
const RECENT_LAYOUTS = 16;

/**
 * Places nodes left to right by hand-off order (ELK's layered algorithm, as in most flow editors):
 * the entry agent first, tool servers last; and routes the edges around them.
 *
 * ELK runs in a Web Worker (dist/webview/elk-worker.js, elkjs's own worker build, beside app.js):
 * it is 1.5 MB of the 2.6 MB the app would otherwise parse before its first paint, and a layout
 * never blocks a frame. The worker starts from a blob that imports the script, as Monaco's does, so
 * it works on the server's origin and in a VS Code webview alike (CSP `worker-src blob:`). The worker
 * starts on `warm()` or the first layout and ends on `dispose()` (a later layout starts it again).
 */
export class ElkLayout {
  private elk: ElkEngine | null = null;
  private blobUrl: string | null = null;
  /**
   * The last layouts, by the graph ELK was given (nodes, sizes, edges): a view drawn again with the
   * same squad (the next run in the same dashboard, a switch back to a view) gets its layout at once,
   * not after a round trip through the worker. The answers are not changed by their readers.
   */
  private readonly recent = new Map<string, Promise<GraphLayout>>();

  /** `create` makes the ELK instance (tests pass elkjs's bundled build); by default, the worker below. */
  constructor(private readonly create?: () => ElkEngine) {}

  layout(nodes: readonly SquadNodeData[], edges: readonly SquadEdge[], sizes: Sizes = {}): Promise<GraphLayout> {
    const graph = elkGraph(nodes, layoutEdges(edges), sizes);
    const key = JSON.stringify(graph);
    const known = this.recent.get(key);
    if (known) {
      // Most recently used last, so the oldest goes first.
      this.recent.delete(key);
      this.recent.set(key, known);
      return known;
    }
    const laid = this.instance()
      .layout(graph)
      .then((g) => readLayout(g));
    this.recent.set(key, laid);
    // A layout that failed is asked for again next time.
    laid.catch(() => {
      if (this.recent.get(key) === laid) this.recent.delete(key);
    });
    for (const old of this.recent.keys()) {
      if (this.recent.size <= RECENT_LAYOUTS) break;
      this.recent.delete(old);
    }
    return laid;
  }

  /** Starts the worker now, so ELK loads while the app does other work. */
  warm(): void {
    this.instance();
  }

  dispose(): void {
    this.recent.clear();
    this.elk?.terminateWorker();
    this.elk = null;
    if (this.blobUrl) URL.revokeObjectURL(this.blobUrl);
    this.blobUrl = null;
  }

  private instance(): ElkEngine {
    if (this.elk) return this.elk;
    if (this.create) return (this.elk = this.create());
    const script = new URL('./elk-worker.js', import.meta.url).href;
    this.blobUrl = URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(script)});`], { type: 'text/javascript' }));
    const blobUrl = this.blobUrl;
    this.elk = new ELK({ workerFactory: () => new Worker(blobUrl) });
    return this.elk;
  }
}
