import type { Mark, MessageKind } from '../../protocol/runEvent';
import type { AgentConfig } from '../../protocol/squadFile';
import type { AgentWait } from './guardrails/guardrail';
import type { ChatMessage, ToolSpec } from './modelProvider';
import type { ResolvedModel } from './resolvedModel';

/** A message between agents (or from the task to the entry agent), as it sits in a mailbox. */
export interface Message {
  id: string;
  from: string | null;
  to: string;
  kind: MessageKind;
  content: string;
  inReplyTo: string | null;
  marks: Mark[];
}

/** A control action held back until the turn's tool calls have all returned. */
export type DeferredAction = { name: 'ask'; agent: string; question: string } | { name: 'answer'; content: string } | { name: 'finish'; result: string };

/** The state of one turn in flight. */
export interface TurnState {
  turn: number;
  span: string;
  /** Model calls made in this turn, and attempts of the current one (retries). */
  call: number;
  attempt: number;
  consumed: string[];
  /** The messages the turn took in (what moves to another instance if this one fails). */
  inputs: Message[];
  pendingTools: number;
  deferred: DeferredAction | null;
  /** The cascade policy chose the agent's fallback: the turn ends with it once tools are back. */
  fallback: boolean;
  /** Worst-case cost reserved by the model call in flight. */
  reservedUsd: number;
  /** The model call in flight, if any: its answer is taken only while this is the same object. */
  inFlight: object | null;
}

/**
 * What a join still waits for, kept per waiting agent so a delivery costs O(1): per joined agent
 * (definition), the instances a message is still needed from. `each`: one from every instance that
 * holds this agent's work; `any`: one from any instance (it handed that agent nothing).
 */
export interface JoinState {
  groups: { mode: 'each' | 'any'; waiting: Set<string> }[];
  byInstance: Map<string, { mode: 'each' | 'any'; waiting: Set<string> }>;
  /** Instances still listed across all groups. */
  missing: number;
}

/**
 * One agent of a running squad: an actor with a mailbox. Only the engine mutates it; guardrails see
 * it through `RunView`.
 */
export interface AgentRuntime {
  /** The agent's name, or an instance's (`financials#2`) for an agent declared with `replicas`. */
  name: string;
  /** The agent as the squad file declares it: `name`, or the declared name of this instance. */
  definition: string;
  /** Messages routed to this instance and not delivered yet: outstanding work the balancer counts. */
  inTransit: number;
  /** Run time until which a crashed or stuck instance takes no work (0: it is up). */
  downUntil: number;
  config: AgentConfig;
  model: ResolvedModel;
  tools: ToolSpec[];
  /** Tokens the tool definitions add to every prompt. */
  toolTokens: number;
  status: 'idle' | 'scheduled' | 'running' | 'waiting';
  mailbox: Message[];
  context: ChatMessage[];
  turns: number;
  turn: TurnState | null;
  wait: AgentWait | null;
  /** Questions this agent consumed and has not answered yet, oldest first. */
  openQuestions: Message[];
  /** The last message that gave this agent work: `finish` returns its result there. */
  caller: Message | null;
  /** What this agent's knowledge rests on that went wrong; passed on with every message it sends. */
  marks: Mark[];
  /**
   * Agents (instances) this agent handed work to and has no result from yet. A join on a replicated
   * agent waits for a result from each instance that has its work, not just the first.
   */
  awaitingResults: Set<string>;
  /** Hashes of the large documents in its context, so one loaded again is served from the cache. */
  documents: Set<string>;
  /** Its join, while it waits for one; null when none is computed (rebuilt from the mailbox on need). */
  join: JoinState | null;
}

export function systemPrompt(squadName: string, name: string, config: AgentConfig): string {
  const lines = [`You are "${name}", the ${config.role} of the squad "${squadName}".`];
  if (config.instructions.trim()) lines.push(config.instructions.trim());
  if (config.handoffs.length) lines.push(`You may hand off work to: ${config.handoffs.join(', ')}.`);
  if (config.asks.length) lines.push(`You may ask: ${config.asks.join(', ')}.`);
  return lines.join('\n\n');
}

/** How a delivered message reads in the receiving agent's context. */
export function asChatMessage(m: Message): ChatMessage {
  if (m.from === null) return { role: 'user', content: m.content };
  return { role: 'user', name: m.from, content: `[${m.kind} from ${m.from}] ${m.content}` };
}

/** True when `tool` ("server.tool") matches one of an agent's `tools` patterns. */
export function toolAllowed(patterns: readonly string[], tool: string): boolean {
  const server = tool.slice(0, tool.indexOf('.'));
  return patterns.some((p) => p === tool || p === `${server}.*`);
}

/** Adds marks not already present (by the event they point at), keeping order. */
export function mergeMarks(into: Mark[], more: readonly Mark[]): void {
  for (const m of more) if (!into.some((x) => x.seq === m.seq && x.kind === m.kind)) into.push(m);
}
