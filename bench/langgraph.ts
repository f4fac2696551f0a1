import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import type { Subject } from './measure';

/**
 * The same loop in LangGraph.js: planner → worker → checker, and back to the planner until `n` rounds
 * are done. The state is a replaced `last` string and a counter, not a message list: our agents are
 * stateless (`context: turn`), so a growing list here would weigh LangGraph down for work ours does not
 * do. What LangGraph keeps per step is then its own bookkeeping: MemorySaver stores a checkpoint of
 * every superstep, which is its counterpart of our journal (but in memory, not on disk).
 */
const LoopState = Annotation.Root({
  last: Annotation<string>,
  count: Annotation<number>,
});

/**
 * `memory`: MemorySaver keeps a checkpoint of every superstep (its counterpart of our journal, in
 * memory). `none`: no checkpointer, LangGraph's bare loop (what issue #13's target names).
 */
export type LangGraphCheckpointer = 'memory' | 'none';

export function prepareLangGraph(n: number, tag: string, checkpointing: LangGraphCheckpointer = 'memory'): () => Promise<Subject> {
  return async () => {
    let steps = 0;
    let onStep: () => void = () => undefined;
    // Every node calls this first: counts node executions and lets the harness sample the heap from
    // inside the run, as our onEvent hook does.
    const step = (): void => {
      steps++;
      onStep();
    };
    let checkpointer: MemorySaver | null = checkpointing === 'memory' ? new MemorySaver() : null;
    let graph: ReturnType<typeof build> | null = build(n, step, checkpointer);
    const config = { configurable: { thread_id: `bench-${tag}` }, recursionLimit: 3 * n + 10 };
    let final: { last: string; count: number } | null = null;

    return {
      async execute(s) {
        onStep = s;
        final = await graph!.invoke({ last: 'Run the planner-worker-checker loop.', count: 0 }, config);
      },
      async verify() {
        // With a checkpointer, what it saved is the record; without one, the final state is all there is.
        const count = checkpointer ? ((await graph!.getState(config)).values as { count?: number }).count : final?.count;
        if (final?.count !== n || count !== n || steps !== 3 * n) {
          throw new Error(`LangGraph run is wrong: count ${final?.count} (saved ${count}), ${steps} node runs, expected ${n} and ${3 * n}`);
        }
      },
      async release() {
        graph = null;
        checkpointer = null;
        final = null;
      },
    };
  };
}

function build(n: number, step: () => void, checkpointer: MemorySaver | null) {
  return new StateGraph(LoopState)
    .addNode('planner', (s) => {
      step();
      return { last: `Do item ${s.count + 1}.` };
    })
    .addNode('worker', (s) => {
      step();
      return { last: `Item ${s.count + 1} done.` };
    })
    .addNode('checker', (s) => {
      step();
      return { last: `Item ${s.count + 1} checked.`, count: s.count + 1 };
    })
    .addEdge(START, 'planner')
    .addEdge('planner', 'worker')
    .addEdge('worker', 'checker')
    .addConditionalEdges('checker', (s) => (s.count >= n ? END : 'planner'), ['planner', END])
    .compile(checkpointer ? { checkpointer } : {});
}
