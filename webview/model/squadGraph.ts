import { parseDocument } from 'yaml';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import type { SquadDiagnostic } from '../../protocol/squadDiagnostic';

export interface AgentNodeData {
  kind: 'agent';
  id: string;
  name: string;
  role: string;
  model: string;
  /** The provider's model name (`gpt-4.1`), when the model is declared. */
  modelName: string | null;
  description: string;
  instructions: string;
  tools: string[];
  handoffs: string[];
  asks: string[];
  entry: boolean;
  /** `replicas: N`: the agent runs as N instances (`name#1` …); 1 when not replicated. */
  replicas: number;
}

export interface ServerNodeData {
  kind: 'server';
  id: string;
  name: string;
  /** How the server runs: its command, its URL, or simulated. */
  detail: string;
}

export type SquadNodeData = AgentNodeData | ServerNodeData;

export interface SquadEdge {
  id: string;
  kind: 'handoff' | 'ask' | 'tool';
  source: string;
  target: string;
}

export interface SquadGraph {
  name: string;
  nodes: SquadNodeData[];
  edges: SquadEdge[];
  models: string[];
  /** Problems by node id, and those of no node (the task, the models, the guardrails …). */
  problems: Map<string, SquadDiagnostic[]>;
  fileProblems: SquadDiagnostic[];
  /** False when the YAML itself does not parse: the graph is the last good one's, shown dimmed. */
  readable: boolean;
}

export const agentId = (name: string): string => `agent:${name}`;
export const serverId = (name: string): string => `server:${name}`;

/**
 * The squad file as a graph, even when it does not pass the schema: the editor must keep showing
 * what the user is working on, with each problem on the node it is about. Reads the plain data
 * leniently (wrong types become empty), and takes the problems from the real parser.
 */
export function squadGraph(text: string, file: string): SquadGraph {
  const result = parseSquadFile(text, file);
  const diagnostics = result.ok ? result.warnings : [...result.errors, ...result.warnings];
  const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'silent' });
  const readable = doc.errors.length === 0;
  let data: unknown;
  try {
    data = readable ? doc.toJS({ maxAliasCount: 100 }) : null;
  } catch {
    data = null;
  }
  const root = record(data);
  const models = record(root.models);
  const agents = record(root.agents);
  const servers = record(root.toolServers);
  const entry = str(record(root.task).entry);

  const nodes: SquadNodeData[] = [];
  const edges: SquadEdge[] = [];
  for (const [name, raw] of Object.entries(agents)) {
    const a = record(raw);
    const model = str(a.model);
    const node: AgentNodeData = {
      kind: 'agent',
      id: agentId(name),
      name,
      role: str(a.role),
      model,
      modelName: str(record(models[model]).model) || null,
      description: str(a.description),
      instructions: str(a.instructions),
      tools: strings(a.tools),
      handoffs: strings(a.handoffs),
      asks: strings(a.asks),
      entry: name === entry,
      replicas: typeof a.replicas === 'number' && Number.isInteger(a.replicas) && a.replicas > 1 ? a.replicas : 1,
    };
    nodes.push(node);
    for (const to of node.handoffs) if (to in agents) edges.push({ id: `handoff:${name}>${to}`, kind: 'handoff', source: node.id, target: agentId(to) });
    for (const to of node.asks) if (to in agents) edges.push({ id: `ask:${name}>${to}`, kind: 'ask', source: node.id, target: agentId(to) });
    const used = new Set(node.tools.map((t) => t.split('.')[0] ?? '').filter((s) => s in servers));
    for (const server of used) edges.push({ id: `tool:${name}>${server}`, kind: 'tool', source: node.id, target: serverId(server) });
  }
  for (const [name, raw] of Object.entries(servers)) {
    const s = record(raw);
    const detail = str(s.url) || [str(s.command), ...strings(s.args)].filter(Boolean).join(' ') || (s.simulated ? 'simulated' : '');
    nodes.push({ kind: 'server', id: serverId(name), name, detail });
  }

  const problems = new Map<string, SquadDiagnostic[]>();
  const fileProblems: SquadDiagnostic[] = [];
  const ids = new Set(nodes.map((n) => n.id));
  for (const d of diagnostics) {
    const id = nodeOfPath(d.path);
    if (id && ids.has(id)) problems.set(id, [...(problems.get(id) ?? []), d]);
    else fileProblems.push(d);
  }
  return { name: str(root.name), nodes, edges, models: Object.keys(models), problems, fileProblems, readable };
}

/** The node a diagnostic's YAML path is about: `agents.<name>…` or `toolServers.<name>…`. */
export function nodeOfPath(path: readonly (string | number)[]): string | null {
  const [section, name] = path;
  if (typeof name !== 'string') return null;
  if (section === 'agents') return agentId(name);
  if (section === 'toolServers') return serverId(name);
  return null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
