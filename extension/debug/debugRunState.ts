import type { MessageKind, RunEvent, RunEventOf } from '../../protocol/runEvent';
import type { SquadFile } from '../../protocol/squadFile';
import { applyEvent, emptyRunAccount, type RunAccount } from '../../protocol/runAccount';
import { systemPrompt } from '../../server/engine/agentRuntime';

/** A message between agents as the debugger shows it. */
export interface DebugMessage {
  id: string;
  seq: number;
  from: string | null;
  to: string;
  kind: MessageKind;
  content: string;
  tokens: number;
  inReplyTo: string | null;
}

export interface ContextEntry {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface DebugAgent {
  name: string;
  status: 'idle' | 'running' | 'waiting' | 'finished' | 'failed' | 'stopped';
  /** The turn in progress, or the last one. */
  turn: number;
  /** Model calls answered or failed so far: which step of a simulated script comes next. */
  modelTakes: number;
  /** The context as the journal shows it: system prompt, messages taken in, answers, tool results. */
  context: ContextEntry[];
  /** Messages sent to this agent and not yet taken into a turn. */
  mailbox: DebugMessage[];
  wait: { on: string[]; reason: 'answer' | 'join' } | null;
  /** The message that gave the agent its current work: the top of the hand-off chain. */
  workFrom: DebugMessage | null;
  /** Every work message it took, with the seq of the turn that took it: the chain's history. */
  taken: { message: DebugMessage; atSeq: number }[];
}

/**
 * What the debugger knows about a run: a fold over its journal, the same for a live run and a
 * replay, so stepping through a saved run shows exactly what stepping through it live showed.
 * Usage and cost come from the engine's own accounting fold.
 */
export class DebugRunState {
  readonly account: RunAccount = emptyRunAccount();
  readonly agents = new Map<string, DebugAgent>();
  readonly messages = new Map<string, DebugMessage>();
  started: RunEventOf<'run.started'> | null = null;
  completed: RunEventOf<'run.completed'> | null = null;
  lastEvent: RunEvent | null = null;

  constructor(
    readonly squad: SquadFile,
    /** The run's cost limit, for "budget left". */
    readonly budgetUsd: number,
  ) {
    for (const [name, config] of Object.entries(squad.agents)) {
      this.agents.set(name, {
        name,
        status: 'idle',
        turn: 0,
        modelTakes: 0,
        context: [{ role: 'system', content: systemPrompt(squad.name, name, config) }],
        mailbox: [],
        wait: null,
        workFrom: null,
        taken: [],
      });
    }
  }

  get budgetLeftUsd(): number {
    return Math.max(0, this.budgetUsd - this.account.totals.costUsd);
  }

  apply(e: RunEvent): void {
    applyEvent(this.account, e);
    this.lastEvent = e;
    const agent = e.agent === null ? undefined : this.agents.get(e.agent);
    switch (e.type) {
      case 'run.started':
        this.started = e;
        return;
      case 'run.completed':
        this.completed = e;
        return;
      case 'message.sent': {
        const message: DebugMessage = { id: e.messageId, seq: e.seq, from: e.from, to: e.to, kind: e.kind, content: e.content, tokens: e.tokens, inReplyTo: e.inReplyTo };
        this.messages.set(message.id, message);
        this.agents.get(e.to)?.mailbox.push(message);
        return;
      }
      case 'agent.turn.started': {
        if (!agent) return;
        agent.status = 'running';
        agent.turn = e.turn;
        agent.wait = null;
        for (const id of e.consumed) {
          const message = this.messages.get(id);
          if (!message) continue;
          agent.mailbox = agent.mailbox.filter((m) => m.id !== id);
          agent.context.push({ role: 'user', content: message.from === null ? message.content : `[${message.kind} from ${message.from}] ${message.content}` });
          if (isWork(message)) {
            agent.workFrom = message;
            agent.taken.push({ message, atSeq: e.seq });
          }
        }
        return;
      }
      case 'agent.turn.completed':
        if (!agent) return;
        agent.status = e.outcome === 'waiting' ? 'waiting' : e.outcome === 'idle' ? 'idle' : e.outcome;
        return;
      case 'agent.waiting':
        if (!agent) return;
        agent.status = 'waiting';
        agent.wait = { on: [...e.on], reason: e.reason };
        return;
      case 'agent.wait.met': {
        // Only the arrival is journaled: what the agent still waits on is the last wait less it.
        if (!agent?.wait) return;
        const met = new Set(e.met);
        agent.wait.on = agent.wait.on.filter((name) => !met.has(name));
        return;
      }
      case 'model.response': {
        if (!agent) return;
        agent.modelTakes += 1;
        const calls = e.toolCalls.map((c) => `${c.name}(${JSON.stringify(c.args)})`);
        agent.context.push({ role: 'assistant', content: [e.text, ...calls].filter(Boolean).join('\n') });
        return;
      }
      case 'model.failed':
        if (agent) agent.modelTakes += 1;
        return;
      case 'tool.result':
        agent?.context.push({ role: 'tool', content: `${e.tool}: ${e.content}` });
        return;
      default:
        return;
    }
  }

  /**
   * The chain of messages that led to `agent`'s work, newest first (the call stack). Held before a
   * turn, the agent's work is what it is about to take from its mailbox; otherwise what it took.
   */
  chainOf(agent: string, beforeTurn = false): DebugMessage[] {
    const chain: DebugMessage[] = [];
    const seen = new Set<string>();
    const a = this.agents.get(agent);
    const next = beforeTurn ? a?.mailbox.find(isWork) : undefined;
    let message = next ?? a?.workFrom ?? null;
    // A hand-off cycle (A → B → A) would otherwise never end: each message appears once.
    while (message && !seen.has(message.id) && chain.length < 64) {
      seen.add(message.id);
      chain.push(message);
      // What the sender was working on when it sent this: the last work it took before.
      const sent = message.seq;
      const taken = message.from === null ? [] : (this.agents.get(message.from)?.taken ?? []);
      message = taken.filter((t) => t.atSeq < sent).at(-1)?.message ?? null;
    }
    return chain;
  }
}

function isWork(m: DebugMessage): boolean {
  return m.kind === 'task' || m.kind === 'handoff' || m.kind === 'question';
}
