import ELK from 'elkjs/lib/elk-api.js';
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

/**
 * Places nodes left to right by hand-off order (ELK's layered algorithm, as in most flow editors):
 * the entry agent first, tool servers last.
 *
 * ELK runs in a Web Worker (dist/webview/elk-worker.js, elkjs's own worker build, beside app.js):
 * it is 1.5 MB of the 2.6 MB the app would otherwise parse before its first paint, and a layout
 * never blocks a frame. The worker starts from a blob that imports the script, as Monaco's does, so
 * it works on the server's origin and in a VS Code webview alike (CSP `worker-src blob:`). The worker
 * starts on `warm()` or the first layout and ends on `dispose()` (a later layout starts it again).
 */
export class ElkLayout {
  private elk: InstanceType<typeof ELK> | null = null;
  private blobUrl: string | null = null;

  async layout(nodes: readonly SquadNodeData[], edges: readonly SquadEdge[], sizes: Sizes = {}): Promise<Positions> {
    const ids = new Set(nodes.map((n) => n.id));
    const graph = await this.instance().layout({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        // Room between layers for two edge labels side by side, and between nodes of a layer for a
        // label and the channel an edge takes around them.
        'elk.layered.spacing.nodeNodeBetweenLayers': '150',
        'elk.spacing.nodeNode': '56',
        'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
        'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
      },
      // A replicated agent lists its instances in a run: room for one line each (until measured).
      children: nodes.map((n) => ({ id: n.id, ...nodeSize(n, sizes) })),
      // Asks point back up the hand-off chain; laying them out as well would fold the chain.
      edges: edges.filter((e) => e.kind !== 'ask' && ids.has(e.source) && ids.has(e.target)).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
    });
    const out: Positions = {};
    for (const child of graph.children ?? []) out[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
    return out;
  }

  /** Starts the worker now, so ELK loads while the app does other work. */
  warm(): void {
    this.instance();
  }

  dispose(): void {
    this.elk?.terminateWorker();
    this.elk = null;
    if (this.blobUrl) URL.revokeObjectURL(this.blobUrl);
    this.blobUrl = null;
  }

  private instance(): InstanceType<typeof ELK> {
    if (this.elk) return this.elk;
    const script = new URL('./elk-worker.js', import.meta.url).href;
    this.blobUrl = URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(script)});`], { type: 'text/javascript' }));
    const blobUrl = this.blobUrl;
    this.elk = new ELK({ workerFactory: () => new Worker(blobUrl) });
    return this.elk;
  }
}
