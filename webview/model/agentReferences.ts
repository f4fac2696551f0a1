import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';

/** Where the squad file names an agent, other than the agent's own key. */
export interface AgentReference {
  /** The agent whose lists or script name it, or `task` for the task's entry. */
  from: string;
  kind: 'handoffs' | 'asks' | 'script handoff' | 'script ask' | 'script waitFor' | 'entry';
  /** 1-based line of the name in the file. */
  line: number;
}

/**
 * Every place the file names agent `name`: other agents' `handoffs` and `asks`, their script steps
 * (`handoff.to`, `ask.agent`, `waitFor`) and the task's `entry`. Deleting the agent leaves each of
 * these dangling unless it goes too. A file that does not parse has no references to offer.
 */
export function agentReferences(text: string, name: string): AgentReference[] {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return [];
  const out: AgentReference[] = [];
  const lineOf = (node: Node): number => (node.range ? text.slice(0, node.range[0]).split('\n').length : 0);
  visitReferences(doc, name, (from, kind, node) => out.push({ from, kind, line: lineOf(node) }));
  return out.sort((a, b) => a.line - b.line);
}

/** Calls `found` for each scalar in `doc` that names agent `name` (see agentReferences). */
export function visitReferences(doc: Document, name: string, found: (from: string, kind: AgentReference['kind'], node: Node) => void): void {
  const names = (node: unknown): node is Node => isScalar(node) && node.value === name;
  const agents = doc.get('agents', true);
  if (isMap(agents)) {
    for (const pair of agents.items) {
      const from = isScalar(pair.key) ? String(pair.key.value) : '';
      if (from === name || !isMap(pair.value)) continue;
      for (const kind of ['handoffs', 'asks'] as const) {
        const list = pair.value.get(kind, true);
        if (isSeq(list)) for (const item of list.items) if (names(item)) found(from, kind, item);
      }
      for (const step of scriptSteps(pair.value)) {
        const handoff = step.get('handoff', true);
        for (const h of isSeq(handoff) ? handoff.items : [handoff]) if (isMap(h) && names(h.get('to', true))) found(from, 'script handoff', h.get('to', true) as Node);
        const ask = step.get('ask', true);
        if (isMap(ask) && names(ask.get('agent', true))) found(from, 'script ask', ask.get('agent', true) as Node);
        const waitFor = step.get('waitFor', true);
        if (isSeq(waitFor)) for (const item of waitFor.items) if (names(item)) found(from, 'script waitFor', item);
      }
    }
  }
  const task = doc.get('task', true);
  if (isMap(task) && names(task.get('entry', true))) found('task', 'entry', task.get('entry', true) as Node);
}

export function scriptSteps(agent: YAMLMap): YAMLMap[] {
  const script = agent.get('script', true);
  return isSeq(script) ? script.items.filter((s): s is YAMLMap => isMap(s)) : [];
}
