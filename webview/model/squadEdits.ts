import { isMap, isScalar, isSeq, Scalar, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { scriptSteps } from './agentReferences';
import { editYaml, YamlEditError } from './yamlEdit';

/** The two kinds of edge an agent declares: work it hands on, and questions it waits on. */
export type LinkKind = 'handoffs' | 'asks';

/** Where a new list key goes in an agent: after the last of these that the agent already has. */
const LIST_ANCHORS = ['tools', 'asks', 'handoffs', 'instructions', 'description', 'model', 'role'];

/** Adds `to` to `from`'s `handoffs` or `asks` (created as a flow list after the agent's other lists). */
export function addLink(text: string, from: string, to: string, kind: LinkKind): string {
  return editYaml(text, (doc) => {
    const agent = agentMap(doc, from);
    const list = agent.get(kind, true);
    if (isSeq(list)) {
      if (!list.items.some((item) => isScalar(item) && item.value === to)) list.add(doc.createNode(to));
      return;
    }
    const seq = doc.createNode([to]) as YAMLSeq;
    seq.flow = true;
    insertAfterAnchor(agent, doc.createPair(kind, seq));
  });
}

export function removeLink(text: string, from: string, to: string, kind: LinkKind): string {
  return editYaml(text, (doc) => {
    const list = agentMap(doc, from).get(kind, true);
    if (!isSeq(list)) return;
    list.items = list.items.filter((item) => !(isScalar(item) && item.value === to));
  });
}

/** A new agent at the end of `agents`, separated by a blank line like its neighbours. */
export function addAgent(text: string, name: string, fields: { role: string; model: string }): string {
  return editYaml(text, (doc) => {
    const agents = doc.get('agents', true);
    if (!isMap(agents)) throw new YamlEditError('the file has no agents mapping');
    if (agents.has(name)) throw new YamlEditError(`an agent named "${name}" exists already`);
    const value = doc.createNode({ role: fields.role, model: fields.model, instructions: '', handoffs: [] }) as YAMLMap;
    const handoffs = value.get('handoffs', true);
    if (isSeq(handoffs)) handoffs.flow = true;
    const pair = doc.createPair(name, value);
    if (isScalar(pair.key) && agents.items.length > 0) pair.key.spaceBefore = true;
    agents.items.push(pair);
  });
}

/**
 * Removes the agent. With `references: 'remove'` (the default) every place that names it goes too:
 * other agents' handoffs and asks, and their script steps' hand-offs to it, questions to it and
 * waits on it (a step left empty goes). The task's entry cannot be emptied: it is left for the parser
 * to flag. With `'keep'` only the agent goes, and its references are left for the parser to flag.
 */
export function removeAgent(text: string, name: string, { references = 'remove' }: { references?: 'remove' | 'keep' } = {}): string {
  return editYaml(text, (doc) => {
    const agents = doc.get('agents', true);
    if (!isMap(agents)) return;
    agents.delete(name);
    if (references === 'keep') return;
    const names = (node: unknown): boolean => isScalar(node) && node.value === name;
    for (const pair of agents.items) {
      if (!isMap(pair.value)) continue;
      for (const kind of ['handoffs', 'asks'] as const) {
        const list = pair.value.get(kind, true);
        if (isSeq(list)) list.items = list.items.filter((item) => !names(item));
      }
      const script = pair.value.get('script', true);
      if (!isSeq(script)) continue;
      for (const step of scriptSteps(pair.value)) {
        const handoff = step.get('handoff', true);
        if (isSeq(handoff)) {
          handoff.items = handoff.items.filter((h) => !(isMap(h) && names(h.get('to', true))));
          if (handoff.items.length === 0) step.delete('handoff');
        } else if (isMap(handoff) && names(handoff.get('to', true))) step.delete('handoff');
        const ask = step.get('ask', true);
        if (isMap(ask) && names(ask.get('agent', true))) step.delete('ask');
        const waitFor = step.get('waitFor', true);
        if (isSeq(waitFor)) {
          waitFor.items = waitFor.items.filter((item) => !names(item));
          if (waitFor.items.length === 0) step.delete('waitFor');
        }
      }
      script.items = script.items.filter((step) => !(isMap(step) && step.items.length === 0));
    }
  });
}

/**
 * Renames an agent everywhere the file names it: its key, other agents' handoffs and asks, the task's
 * entry, and script steps (`handoff.to`, `ask.agent`, `waitFor`).
 */
export function renameAgent(text: string, from: string, to: string): string {
  return editYaml(text, (doc) => {
    const agents = doc.get('agents', true);
    if (!isMap(agents)) return;
    if (agents.has(to)) throw new YamlEditError(`an agent named "${to}" exists already`);
    const rename = (node: unknown): void => {
      if (isScalar(node) && node.value === from) node.value = to;
    };
    for (const pair of agents.items) {
      rename(pair.key);
      if (!isMap(pair.value)) continue;
      for (const kind of ['handoffs', 'asks'] as const) {
        const list = pair.value.get(kind, true);
        if (isSeq(list)) list.items.forEach(rename);
      }
      const script = pair.value.get('script', true);
      if (!isSeq(script)) continue;
      for (const step of script.items) {
        if (!isMap(step)) continue;
        const handoff = step.get('handoff', true);
        for (const h of isSeq(handoff) ? handoff.items : [handoff]) if (isMap(h)) rename(h.get('to', true));
        const ask = step.get('ask', true);
        if (isMap(ask)) rename(ask.get('agent', true));
        const waitFor = step.get('waitFor', true);
        if (isSeq(waitFor)) waitFor.items.forEach(rename);
      }
    }
    const task = doc.get('task', true);
    if (isMap(task)) rename(task.get('entry', true));
  });
}

export type AgentTextField = 'role' | 'model' | 'description' | 'instructions';

/**
 * Sets a text field of an agent. An existing scalar keeps its style (a `|` block stays a block);
 * a new multi-line value is written as a `|` block. Empty `description` removes the key.
 */
export function setAgentField(text: string, name: string, field: AgentTextField, value: string): string {
  return editYaml(text, (doc) => {
    const agent = agentMap(doc, name);
    if (field === 'description' && value === '') {
      agent.delete(field);
      return;
    }
    const node = agent.get(field, true);
    const multiline = value.includes('\n');
    if (isScalar(node)) {
      node.value = multiline && !value.endsWith('\n') ? `${value}\n` : value;
      if (multiline && node.type !== Scalar.BLOCK_LITERAL && node.type !== Scalar.BLOCK_FOLDED) node.type = Scalar.BLOCK_LITERAL;
      return;
    }
    const scalar = doc.createNode(multiline && !value.endsWith('\n') ? `${value}\n` : value) as Scalar;
    if (multiline) scalar.type = Scalar.BLOCK_LITERAL;
    insertAfterAnchor(agent, doc.createPair(field, scalar));
  });
}

/** Replaces an agent's tool patterns (`server.tool` or `server.*`). */
export function setAgentTools(text: string, name: string, tools: readonly string[]): string {
  return editYaml(text, (doc) => {
    const agent = agentMap(doc, name);
    const list = agent.get('tools', true);
    if (isSeq(list)) {
      const keep = list.items.filter((item) => isScalar(item) && typeof item.value === 'string' && tools.includes(item.value));
      const have = new Set(keep.map((item) => (isScalar(item) ? item.value : null)));
      list.items = [...keep, ...tools.filter((t) => !have.has(t)).map((t) => doc.createNode(t))];
      return;
    }
    if (tools.length === 0) return;
    const seq = doc.createNode([...tools]) as YAMLSeq;
    seq.flow = true;
    insertAfterAnchor(agent, doc.createPair('tools', seq));
  });
}

function agentMap(doc: Document, name: string): YAMLMap {
  const agent = doc.getIn(['agents', name], true);
  if (!isMap(agent)) throw new YamlEditError(`no agent "${name}" in the file`);
  return agent;
}

function insertAfterAnchor(map: YAMLMap, pair: ReturnType<Document['createPair']>): void {
  for (const anchor of LIST_ANCHORS) {
    const index = map.items.findIndex((p) => isScalar(p.key) && p.key.value === anchor);
    if (index >= 0) {
      map.items.splice(index + 1, 0, pair);
      return;
    }
  }
  map.items.push(pair);
}
