import { AgentSchema, ModelSchema, NameSchema, ScriptStepSchema, type AgentConfig, type ScriptStep, type SquadFile } from './squadFile';
import { didYouMean } from './squadDiagnostic';
import { BUILTIN_PROFILE_NAMES } from './squad/profile';

/**
 * The cross-reference checks of a squad file: the part of validity that a schema cannot say (an
 * agent's model is a declared model, a handoff names an agent the sender may hand off to, a tool call
 * goes to a declared server the agent may use).
 *
 * The checks speak in YAML paths, not positions, so they serve a squad that never was a file (one
 * the graph editor builds) as well as one that was: `parseSquadFile` locates each path in the YAML
 * document and points at the scalar that is wrong.
 */

export type SquadPath = (string | number)[];

export interface SquadReferenceIssue {
  /** Path of the scalar that is wrong, e.g. `['agents', 'planner', 'script', 2, 'handoff', 'to']`. */
  path: SquadPath;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * What the checks need to know. A part that is `undefined` did not parse, and the checks that need
 * it are skipped rather than reported again: the schema has already said what is wrong with it.
 */
export interface SquadReferenceView {
  entry?: string;
  models?: ReadonlySet<string>;
  /** The connection settings of each model whose fields parsed (see `ModelReferenceView`). */
  modelSettings?: ReadonlyMap<string, ModelReferenceView>;
  toolServers?: ReadonlySet<string>;
  /** The tools of each server that declares `simulated` tools, and whether that is all it is (no process, no URL). */
  simulatedTools?: ReadonlyMap<string, { tools: ReadonlySet<string>; only: boolean }>;
  /** Each profile's per-server conditions: the servers they name and whether they ask to simulate. */
  profileToolServers?: readonly { profile: string; server: string; simulate: boolean }[];
  /** Every declared agent name, in file order; an agent whose body did not parse maps to `{}`. */
  agents?: ReadonlyMap<string, AgentReferenceView>;
  /** The profiles the file declares (absent when `profiles` did not parse), and each test case's profile. */
  profiles?: ReadonlySet<string>;
  testProfiles?: readonly { index: number; profile: string }[];
}

/** What the model checks look at; a field that did not parse is left out. */
export interface ModelReferenceView {
  provider?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  headers?: Readonly<Record<string, string>>;
}

export interface AgentReferenceView {
  model?: string;
  tools?: readonly string[];
  handoffs?: readonly string[];
  asks?: readonly string[];
  /** `replicas`, and the replica settings the file sets (absent when left out). */
  replicas?: number;
  stuckAfterMs?: number;
  restartAfterMs?: number;
  /** One entry per script step; `undefined` for a step that did not parse. */
  script?: readonly (ScriptStep | undefined)[];
}

/** Checks the references of a squad that passed `SquadFileSchema`. */
export function validateSquadReferences(squad: SquadFile): SquadReferenceIssue[] {
  return checkSquadReferences(referenceViewOf(squad));
}

export function referenceViewOf(squad: SquadFile): SquadReferenceView {
  return {
    entry: squad.task.entry,
    models: new Set(Object.keys(squad.models)),
    modelSettings: new Map(Object.entries(squad.models).map(([name, m]) => [name, modelView(m)])),
    toolServers: new Set(Object.keys(squad.toolServers)),
    simulatedTools: simulatedToolsOf(squad.toolServers),
    profileToolServers: profileToolServersOf(squad.profiles),
    agents: new Map(Object.entries(squad.agents).map(([name, agent]) => [name, agentView(agent)])),
    profiles: new Set(Object.keys(squad.profiles)),
    testProfiles: squad.tests.map((t, index) => ({ index, profile: t.profile })),
  };
}

function modelView(m: { provider: string; baseUrl?: string | undefined; apiKeyEnv?: string | undefined; headers?: Record<string, string> | undefined }): ModelReferenceView {
  const view: ModelReferenceView = { provider: m.provider };
  if (m.baseUrl !== undefined) view.baseUrl = m.baseUrl;
  if (m.apiKeyEnv !== undefined) view.apiKeyEnv = m.apiKeyEnv;
  if (m.headers !== undefined) view.headers = m.headers;
  return view;
}

/** Keeps each connection field of a model that failed the schema that is valid on its own. */
function modelViewFromData(data: unknown): ModelReferenceView {
  if (!isRecord(data)) return {};
  const shape = ModelSchema.shape;
  const view: ModelReferenceView = {};
  const provider = shape.provider.safeParse(data['provider']);
  if (provider.success) view.provider = provider.data;
  const baseUrl = shape.baseUrl.safeParse(data['baseUrl']);
  if (baseUrl.success && baseUrl.data !== undefined) view.baseUrl = baseUrl.data;
  const apiKeyEnv = shape.apiKeyEnv.safeParse(data['apiKeyEnv']);
  if (apiKeyEnv.success && apiKeyEnv.data !== undefined) view.apiKeyEnv = apiKeyEnv.data;
  const headers = shape.headers.safeParse(data['headers']);
  if (headers.success && headers.data !== undefined) view.headers = headers.data;
  return view;
}

/** Works on parsed and on raw data alike: only plain records and the keys that are there. */
function simulatedToolsOf(servers: unknown): Map<string, { tools: ReadonlySet<string>; only: boolean }> {
  const out = new Map<string, { tools: ReadonlySet<string>; only: boolean }>();
  if (!isRecord(servers)) return out;
  for (const [name, server] of Object.entries(servers)) {
    if (!isRecord(server) || !isRecord(server['simulated']) || !isRecord(server['simulated']['tools'])) continue;
    const only = server['command'] === undefined && server['url'] === undefined;
    out.set(name, { tools: new Set(Object.keys(server['simulated']['tools'])), only });
  }
  return out;
}

function profileToolServersOf(profiles: unknown): { profile: string; server: string; simulate: boolean }[] {
  if (!isRecord(profiles)) return [];
  return Object.entries(profiles).flatMap(([profile, p]) => {
    const servers = isRecord(p) ? p['toolServers'] : undefined;
    if (!isRecord(servers)) return [];
    return Object.entries(servers).map(([server, c]) => ({ profile, server, simulate: isRecord(c) && c['simulate'] === true }));
  });
}

function agentView(agent: AgentConfig): AgentReferenceView {
  return {
    model: agent.model,
    tools: agent.tools,
    handoffs: agent.handoffs,
    asks: agent.asks,
    replicas: agent.replicas,
    ...(agent.stuckAfterMs !== undefined ? { stuckAfterMs: agent.stuckAfterMs } : {}),
    ...(agent.restartAfterMs !== undefined ? { restartAfterMs: agent.restartAfterMs } : {}),
    script: agent.script,
  };
}

/**
 * Builds the view from the plain data of a squad file that failed the schema, keeping every part
 * that is valid on its own, so that one wrong type does not hide a wrong reference elsewhere.
 */
export function referenceViewFromData(data: unknown): SquadReferenceView {
  if (!isRecord(data)) return {};
  const view: SquadReferenceView = {};
  const task = data['task'];
  if (isRecord(task)) {
    const entry = NameSchema.safeParse(task['entry']);
    if (entry.success) view.entry = entry.data;
  }
  // An empty `models` or `agents` is an error of its own; checking names against it would only
  // repeat that error at every reference.
  const declared = (section: unknown) => (isRecord(section) && Object.keys(section).length > 0 ? Object.keys(section) : undefined);
  const models = declared(data['models']);
  if (models) view.models = new Set(models);
  const modelData = data['models'];
  if (isRecord(modelData)) view.modelSettings = new Map(Object.entries(modelData).map(([name, m]) => [name, modelViewFromData(m)]));
  const servers = data['toolServers'];
  if (servers === undefined) view.toolServers = new Set();
  else if (isRecord(servers)) view.toolServers = new Set(Object.keys(servers));
  view.simulatedTools = simulatedToolsOf(servers);
  view.profileToolServers = profileToolServersOf(data['profiles']);
  const agents = data['agents'];
  if (isRecord(agents) && declared(agents)) {
    view.agents = new Map(Object.entries(agents).map(([name, agent]) => [name, agentViewFromData(agent)]));
  }
  const profiles = data['profiles'];
  if (profiles === undefined) view.profiles = new Set();
  else if (isRecord(profiles)) view.profiles = new Set(Object.keys(profiles));
  const tests = data['tests'];
  if (Array.isArray(tests)) {
    view.testProfiles = tests.flatMap((t: unknown, index) => (isRecord(t) && typeof t['profile'] === 'string' ? [{ index, profile: t['profile'] }] : []));
  }
  return view;
}

function agentViewFromData(data: unknown): AgentReferenceView {
  if (!isRecord(data)) return {};
  const shape = AgentSchema.shape;
  // With a misspelled key (`handof:`), an absent list may be the one the user meant to write: treat
  // an absent list as unknown rather than empty, so the typo is reported once, not at every use.
  const misspelled = Object.keys(data).some((key) => !(key in shape));
  const absent = (key: string) => misspelled && data[key] === undefined;
  const view: AgentReferenceView = {};
  const model = shape.model.safeParse(data['model']);
  if (model.success) view.model = model.data;
  const tools = shape.tools.safeParse(data['tools']);
  if (tools.success && !absent('tools')) view.tools = tools.data;
  const handoffs = shape.handoffs.safeParse(data['handoffs']);
  if (handoffs.success && !absent('handoffs')) view.handoffs = handoffs.data;
  const asks = shape.asks.safeParse(data['asks']);
  if (asks.success && !absent('asks')) view.asks = asks.data;
  for (const key of ['replicas', 'stuckAfterMs', 'restartAfterMs'] as const) {
    const value = shape[key].safeParse(data[key]);
    if (value.success && value.data !== undefined) view[key] = value.data;
  }
  const script = data['script'];
  if (script === undefined) view.script = [];
  else if (Array.isArray(script)) {
    view.script = script.map((step) => {
      const parsed = ScriptStepSchema.safeParse(step);
      return parsed.success ? parsed.data : undefined;
    });
  }
  return view;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A tool pattern of an agent's `tools`: `server.tool` or `server.*`. */
const TOOL_PATTERN = /^([A-Za-z][\w-]*)\.(\*|[\w.-]+)$/;

/** Whether a tool named `server.tool` is allowed by one of an agent's `tools` patterns. */
export function toolAllowed(tool: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === tool || (p.endsWith('.*') && tool.startsWith(p.slice(0, -1))));
}

/** Runs every reference check the view allows, in file order. Never throws. */
export function checkSquadReferences(view: SquadReferenceView): SquadReferenceIssue[] {
  const issues: SquadReferenceIssue[] = [];
  const error = (path: SquadPath, message: string) => issues.push({ path, message, severity: 'error' });
  const warning = (path: SquadPath, message: string) => issues.push({ path, message, severity: 'warning' });
  const agents = view.agents;
  const agentNames = agents ? [...agents.keys()] : [];
  /** False only when the agents are known and `name` is not one of them (reported at `path`). */
  const knownAgent = (name: string, path: SquadPath, where: string): boolean => {
    if (!agents || agents.has(name)) return true;
    error(path, `unknown agent "${name}" in ${where}${didYouMean(name, agentNames)}`);
    return false;
  };

  if (view.entry !== undefined && agents && !agents.has(view.entry)) {
    error(['task', 'entry'], `unknown entry agent "${view.entry}"${didYouMean(view.entry, agentNames)}`);
  }

  for (const [name, model] of view.modelSettings ?? []) checkModel(name, model, error);

  if (view.profiles) {
    const known = [...new Set([...BUILTIN_PROFILE_NAMES, ...view.profiles])];
    for (const { index, profile } of view.testProfiles ?? []) {
      if (!known.includes(profile)) error(['tests', index, 'profile'], `unknown profile "${profile}" (known: ${known.join(', ')})${didYouMean(profile, known)}`);
    }
  }

  for (const { profile, server, simulate } of view.profileToolServers ?? []) {
    const path = ['profiles', profile, 'toolServers', server];
    if (view.toolServers && !view.toolServers.has(server)) {
      error(path, `unknown tool server "${server}" in profile "${profile}"${didYouMean(server, view.toolServers)}`);
    } else if (simulate && view.simulatedTools && !view.simulatedTools.has(server)) {
      error([...path, 'simulate'], `"${server}" declares no \`simulated\` tools to answer with`);
    }
  }

  for (const [name, agent] of agents ?? []) {
    const at = (...rest: SquadPath): SquadPath => ['agents', name, ...rest];

    if (agent.model !== undefined && view.models && !view.models.has(agent.model)) {
      error(at('model'), `unknown model "${agent.model}"${didYouMean(agent.model, view.models)}`);
    }

    agent.tools?.forEach((pattern, i) => {
      const m = TOOL_PATTERN.exec(pattern);
      if (!m) {
        error(at('tools', i), `a tool pattern is "server.tool" or "server.*", got "${pattern}"`);
        return;
      }
      const server = m[1] ?? '';
      if (view.toolServers && !view.toolServers.has(server)) {
        error(at('tools', i), `unknown tool server "${server}" in tools${didYouMean(server, view.toolServers)}`);
      }
    });

    const checkList = (key: 'handoffs' | 'asks', selfMessage: string) => {
      const seen = new Set<string>();
      agent[key]?.forEach((target, i) => {
        if (seen.has(target)) warning(at(key, i), `"${target}" is listed twice in ${key}`);
        seen.add(target);
        if (target === name) error(at(key, i), selfMessage);
        else knownAgent(target, at(key, i), key);
      });
    };
    checkList('handoffs', 'an agent cannot hand off to itself');
    checkList('asks', 'an agent cannot ask itself');

    // Replica settings on an agent that runs as one instance do nothing: say so where they are.
    if (agent.replicas === 1) {
      for (const key of ['stuckAfterMs', 'restartAfterMs'] as const) {
        if (agent[key] !== undefined) warning(at(key), `${key} applies only with replicas > 1; ${name} runs as one instance`);
      }
    }

    agent.script?.forEach((step, s) => {
      if (!step) return;
      const stepAt = (...rest: SquadPath) => at('script', s, ...rest);

      for (const [action, path] of each(step.tool, stepAt('tool'))) {
        const tool = action.name;
        const server = tool.slice(0, tool.indexOf('.'));
        const simulated = view.simulatedTools?.get(server);
        const toolName = tool.slice(server.length + 1);
        if (view.toolServers && !view.toolServers.has(server)) {
          error([...path, 'name'], `unknown tool server "${server}" in "${tool}"${didYouMean(server, view.toolServers)}`);
        } else if (agent.tools && !toolAllowed(tool, agent.tools)) {
          error([...path, 'name'], `"${name}" may not call "${tool}": add "${tool}" or "${server}.*" to its tools`);
        } else if (simulated && !simulated.tools.has(toolName)) {
          // A server that is only simulated has exactly these tools; a real one may have more.
          const message = `"${server}" has no simulated tool "${toolName}"${didYouMean(toolName, simulated.tools)}`;
          if (simulated.only) error([...path, 'name'], message);
          else warning([...path, 'name'], `${message}: a profile that simulates it will fail this call`);
        }
      }

      for (const [action, path] of each(step.handoff, stepAt('handoff'))) {
        const to = action.to;
        const toPath = [...path, 'to'];
        if (to === name) error(toPath, 'an agent cannot hand off to itself');
        else if (knownAgent(to, toPath, 'handoff') && agent.handoffs && !agent.handoffs.includes(to)) {
          error(toPath, `"${name}" may not hand off to "${to}": add "${to}" to its handoffs`);
        }
      }

      if (step.ask) {
        const target = step.ask.agent;
        const path = stepAt('ask', 'agent');
        if (target === name) error(path, 'an agent cannot ask itself');
        else if (knownAgent(target, path, 'ask') && agent.asks && !agent.asks.includes(target)) {
          error(path, `"${name}" may not ask "${target}": add "${target}" to its asks`);
        }
      }

      step.waitFor?.forEach((sender, i) => {
        const path = stepAt('waitFor', i);
        if (sender === name) {
          error(path, 'an agent cannot wait for itself');
          return;
        }
        if (!knownAgent(sender, path, 'waitFor')) return;
        // A message from `sender` reaches this agent as a handoff, a question, the answer to a
        // question this agent asked, or the result of work this agent handed it (`finish` returns
        // there). Waiting for a sender that can do none of these never ends.
        const from = agents?.get(sender);
        const lists = [from?.handoffs, from?.asks, agent.asks, agent.handoffs];
        if (lists.some((l) => l === undefined)) return;
        const canSend = from?.handoffs?.includes(name) || from?.asks?.includes(name) || agent.asks?.includes(sender) || agent.handoffs?.includes(sender);
        if (!canSend) {
          error(path, `"${sender}" never sends to "${name}": add "${name}" to the handoffs of "${sender}"`);
        }
      });
    });
  }
  return issues;
}

/** Where each real provider's key conventionally lives: the hint in the error, never a default. */
const KEY_ENV_HINT: Readonly<Record<string, string>> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };

/**
 * A real model's connection settings. The key is named, never written (the literal-credential and
 * `env:` checks are in `squadSecrets.ts`).
 */
function checkModel(name: string, model: ModelReferenceView, error: (path: SquadPath, message: string) => void): void {
  const at = (...rest: SquadPath): SquadPath => ['models', name, ...rest];
  const hint = model.provider === undefined ? undefined : KEY_ENV_HINT[model.provider];
  if (hint !== undefined && model.apiKeyEnv === undefined) {
    error(at('provider'), `model "${name}" uses ${model.provider} and needs \`apiKeyEnv\`: the environment variable that holds its key (e.g. apiKeyEnv: ${hint})`);
  }
  if (model.provider === 'openai-compatible' && model.baseUrl === undefined) {
    error(at('provider'), `model "${name}" uses openai-compatible and needs \`baseUrl\` (e.g. http://127.0.0.1:11434/v1 for Ollama)`);
  }
}

/** The actions of a step key that takes one action or a list of them, each with its path. */
function each<T>(value: T | T[] | undefined, path: SquadPath): [T, SquadPath][] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map((v, i) => [v, [...path, i]]);
  return [[value, path]];
}
