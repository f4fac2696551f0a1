import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { squadGraph } from '../../model/squadGraph';
import { ElkLayout, type ElkEngine } from './elkLayout';

const DEADLOCK = 'samples/failure-modes/deadlock-loan-pricing.squad.yaml';

/** ELK's bundled build (no worker in Node), counting the graphs it is given. */
function countingElk(): { create: () => ElkEngine; calls: () => number } {
  let calls = 0;
  const elk = new ELK();
  return {
    create: () => ({
      layout: (graph: Parameters<ElkEngine['layout']>[0]) => {
        calls++;
        return elk.layout(graph);
      },
      terminateWorker: () => {},
    }),
    calls: () => calls,
  };
}

describe('ElkLayout', () => {
  const graph = squadGraph(readFileSync(join(__dirname, '../../..', DEADLOCK), 'utf8'), DEADLOCK);

  it('answers the same graph at the same sizes from its last layouts, without asking ELK again', async () => {
    const elk = countingElk();
    const layout = new ElkLayout(elk.create);
    const first = await layout.layout(graph.nodes, graph.edges);
    expect(elk.calls()).toBe(1);
    expect(Object.keys(first.positions)).toEqual(graph.nodes.map((n) => n.id));
    // The same squad drawn again (the next run in the same dashboard): the same answer, no new layout.
    const again = await layout.layout(squadGraph(readFileSync(join(__dirname, '../../..', DEADLOCK), 'utf8'), DEADLOCK).nodes, graph.edges);
    expect(again).toBe(first);
    expect(elk.calls()).toBe(1);
  });

  it('lays out again when a node is drawn at another size, or after dispose', async () => {
    const elk = countingElk();
    const layout = new ElkLayout(elk.create);
    const first = await layout.layout(graph.nodes, graph.edges);
    const taller = await layout.layout(graph.nodes, graph.edges, { [graph.nodes[0]!.id]: { width: 220, height: 190 } });
    expect(elk.calls()).toBe(2);
    expect(taller).not.toBe(first);
    layout.dispose();
    await layout.layout(graph.nodes, graph.edges);
    expect(elk.calls()).toBe(3);
  });
});
