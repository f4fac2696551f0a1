import ELK from 'elkjs/lib/elk.bundled.js';
import type { SquadEdge, SquadNodeData } from '../../model/squadGraph';

export const NODE_WIDTH = { agent: 220, server: 180 } as const;
const NODE_HEIGHT = { agent: 110, server: 64 } as const;

export type Positions = Record<string, { x: number; y: number }>;

/**
 * Places nodes left to right by hand-off order (ELK's layered algorithm, as in most flow editors):
 * the entry agent first, tool servers last. Runs in the page: a squad has tens of nodes, which ELK
 * places in a few milliseconds. A new ELK per call: no state is shared between graphs.
 */
export async function elkLayout(nodes: readonly SquadNodeData[], edges: readonly SquadEdge[]): Promise<Positions> {
  const elk = new ELK();
  const ids = new Set(nodes.map((n) => n.id));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
    },
    children: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH[n.kind], height: NODE_HEIGHT[n.kind] })),
    // Asks point back up the hand-off chain; laying them out as well would fold the chain.
    edges: edges.filter((e) => e.kind !== 'ask' && ids.has(e.source) && ids.has(e.target)).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out: Positions = {};
  for (const child of graph.children ?? []) out[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  return out;
}
