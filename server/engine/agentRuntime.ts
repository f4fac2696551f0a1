import type { MessageKind } from '../../protocol/runEvent';
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
}

/** A control action held back until the turn's tool calls have all returned. */
export type DeferredAction =
  | { name: 'ask'; agent: string; question: string }
  | { name: 'answer'; content: string }
  | { name: 'finish'; result: string };

/** The state of one turn in flight. */
export interface TurnState {
  turn: number;
  span: string;
  call: number;
  consumed: string[];
  pendingTools: number;
  deferred: DeferredAction | null;
}

/**
 * One agent of a running squad: an actor with a mailbox. Only the engine mutates it; guardrails see
 * it through `RunView`.
 */
export interface AgentRuntime {
  name: string;
  config: AgentConfig;
  model: ResolvedModel;
  tools: ToolSpec[];
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
