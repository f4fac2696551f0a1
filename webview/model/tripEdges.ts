import { definitionOf } from './agentInstances';

/**
 * The agent-to-agent edges a guardrail trip is about, as `from>to` of declared agents (an instance
 * `pricer#2` counts on `pricer`'s edge), read from its evidence: chatter names one `edge` ("a→b"), a
 * loop lists its `messages`' edges and its `cycle`, a deadlock its wait-for `cycle`. Evidence is the
 * engine's free-form record, so anything that is not a string of the expected shape is ignored.
 */
export function tripEdges(evidence: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const add = (from: unknown, to: unknown): void => {
    if (typeof from === 'string' && typeof to === 'string' && from && to && from !== to) out.add(`${definitionOf(from)}>${definitionOf(to)}`);
  };
  const arrow = (edge: unknown): void => {
    if (typeof edge !== 'string') return;
    const [from, to, ...rest] = edge.split('→');
    if (rest.length === 0) add(from, to);
  };
  const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
  arrow(evidence.edge);
  for (const m of list(evidence.messages)) if (typeof m === 'object' && m !== null && 'edge' in m) arrow(m.edge);
  const cycle = list(evidence.cycle);
  for (let i = 0; i + 1 < cycle.length; i++) add(cycle[i], cycle[i + 1]);
  return [...out];
}
