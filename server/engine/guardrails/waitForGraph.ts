import type { AgentWait } from './guardrail';

/**
 * Finds a cycle in the wait-for graph (agent → the agents it waits on) that goes through `from`, or
 * any cycle when `from` is omitted. Returns it as [a, b, …, a], or null. Deterministic: edges are
 * followed in the order they were declared, agents in map order.
 */
export function findWaitCycle(
  waits: ReadonlyMap<string, AgentWait>,
  from?: string,
  /** Follows only the edges this accepts (default: all). */
  blocked: (from: string, to: string) => boolean = () => true,
): string[] | null {
  const starts = from === undefined ? [...waits.keys()] : [from];
  for (const start of starts) {
    const path: string[] = [];
    const onPath = new Set<string>();
    const visit = (node: string): string[] | null => {
      if (onPath.has(node)) return node === start ? [...path, node] : null;
      const wait = waits.get(node);
      if (!wait) return null;
      path.push(node);
      onPath.add(node);
      for (const next of wait.on) {
        if (!blocked(node, next)) continue;
        const found = visit(next);
        if (found) return found;
      }
      path.pop();
      onPath.delete(node);
      return null;
    };
    const cycle = visit(start);
    if (cycle) return cycle;
  }
  return null;
}
