import { sha256Hex } from './sha256';
import { asChatMessage, mergeMarks, type AgentRuntime, type DeferredAction, type Message, type TurnState } from './agentRuntime';
import { isControlName, parseControl } from './controlTools';
import type { RunContext } from './runContext';
import { runEnd } from './runEnd';
import { countText } from './tokenCounter';

/** What failed, for the cascade guardrail: the event that records it and why. */
export interface Failure {
  what: 'tool call' | 'hand-off' | 'model call';
  seq: number;
  reason: string;
}

export interface McpCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/**
 * The agent as an actor: a turn takes its mailbox's input, runs model calls (and the tool calls they
 * ask for) until the model closes the turn with one action (`ask`, `answer`, `finish`), or simply
 * stops; the closing action is carried out once the turn's tool calls are back. Failures go to the
 * cascade policy.
 */
export class AgentActor {
  constructor(private readonly run: RunContext) {}

  async startTurn(agent: AgentRuntime): Promise<void> {
    const { run } = this;
    const answerTo = agent.wait?.reason === 'answer' ? agent.wait.questionId : null;
    const taking = answerTo === null ? [...agent.mailbox] : agent.mailbox.filter((m) => m.inReplyTo === answerTo).slice(0, 1);
    const gate = { agent: agent.name, turn: agent.turns + 1, input: taking };
    const gated = run.gate.gate((g) => g.beforeTurn?.(gate, run));
    if (gated instanceof Promise) await gated;
    const held = run.gate.checkpoint({ kind: 'turn', agent: agent.name, turn: agent.turns + 1 });
    if (held) await held;
    if (run.ended) return;
    // The whole mailbox, or the one answer: O(mailbox), not O(mailbox × taken).
    agent.mailbox = answerTo === null ? [] : agent.mailbox.filter((m) => m !== taking[0]);
    agent.join = null;
    agent.turns += 1;
    agent.status = 'running';
    const span = `${agent.name}/turn-${agent.turns}`;
    agent.turn = { turn: agent.turns, span, call: 0, attempt: 1, consumed: taking.map((m) => m.id), inputs: taking, pendingTools: 0, deferred: null, fallback: false, reservedUsd: 0, inFlight: null };
    run.emit({ runId: run.emitter.runId, seq: 0, type: 'agent.turn.started', t: run.now, agent: agent.name, spanId: span, parentSpanId: 'run', turn: agent.turns, consumed: agent.turn.consumed });
    // A stateless agent starts every turn from its instructions alone: its context cannot grow, and
    // neither can the marks of what it no longer sees.
    if (agent.config.context === 'turn') {
      agent.context.splice(1);
      agent.marks = [];
      agent.documents.clear();
    }
    for (const m of taking) {
      agent.context.push(this.intoContext(agent, m));
      mergeMarks(agent.marks, m.marks);
      if (m.kind === 'question') agent.openQuestions.push(m);
      if (m.kind === 'task' || m.kind === 'handoff') agent.caller = m;
      if (m.kind === 'result' && m.from !== null) agent.awaitingResults.delete(m.from);
    }
    await run.models.callModel(agent);
  }

  /**
   * A large document this agent already has in its context is not loaded again: the context cache
   * serves a reference to it instead (token explosion is knowledge reloaded on every call).
   */
  private intoContext(agent: AgentRuntime, m: Message): ReturnType<typeof asChatMessage> {
    const { run } = this;
    const chat = asChatMessage(m);
    const settings = run.profile.guardrails.tokenExplosion;
    if (!settings.cache || run.profile.guardrails.disabled.includes('token-explosion')) return chat;
    // A UTF-16 code unit is at most 3 UTF-8 bytes and a token at least one byte: a text this short
    // cannot reach the threshold, and most messages are short, so most are not tokenized here.
    if (m.content.length * 3 < settings.minCachedTokens) return chat;
    const tokens = countText(m.content);
    if (tokens < settings.minCachedTokens) return chat;
    const key = `doc:${sha(m.content)}`;
    const hit = agent.documents.has(key);
    agent.documents.add(key);
    const reference = hit ? `[${m.kind} from ${m.from ?? 'task'}: the same document (${key}, ${tokens} tokens) is already in your context above]` : '';
    const span = turnOf(agent).span;
    run.emit({
      type: 'cache.lookup',
      t: run.now,
      agent: agent.name,
      spanId: `${span}/cache-${m.id}`,
      parentSpanId: span,
      source: 'document',
      key,
      hit,
      tokens,
      tokensSaved: hit ? Math.max(0, tokens - countText(reference)) : 0,
    });
    return hit ? { ...chat, content: reference } : chat;
  }

  /**
   * Carries out one tool call of a response. Hand-offs go out at once; MCP calls are collected; a
   * closing action (ask, answer, finish) is held until the turn's tool calls return. Returns the
   * reason the call was refused, for the model to read.
   */
  async actOn(agent: AgentRuntime, id: string, name: string, args: unknown, mcpCalls: McpCall[]): Promise<string | null> {
    const { run } = this;
    const turn = turnOf(agent);
    if (!isControlName(name)) {
      if (!agent.tools.some((t) => t.name === name)) return `tool "${name}" is not available to ${agent.name}`;
      if (!isRecord(args)) return `arguments of ${name} must be an object`;
      mcpCalls.push({ id, name, args });
      return null;
    }
    const action = parseControl(name, args);
    if ('error' in action) return action.error;
    if (action.name === 'handoff') {
      const to = action.args.to;
      if (!agent.config.handoffs.includes(to)) return `${agent.name} may not hand off to "${to}" (allowed: ${agent.config.handoffs.join(', ') || 'none'})`;
      const refused = await this.refusal(agent, to, 'handoff', action.args.content);
      if (run.ended) return null;
      if (refused) {
        const reason = `the hand-off to ${to} was refused by the ${refused.kind} guardrail`;
        await this.failed(agent, { what: 'hand-off', seq: run.emitter.lastSeq, reason });
        return reason;
      }
      const handoff = run.mail.send(agent.name, to, 'handoff', action.args.content, null, turn.span);
      agent.awaitingResults.add(handoff.to);
      return null;
    }
    if (turn.deferred) return `only one of ask, answer, finish may end a turn`;
    if (action.name === 'ask') {
      const target = action.args.agent;
      if (!agent.config.asks.includes(target)) return `${agent.name} may not ask "${target}" (allowed: ${agent.config.asks.join(', ') || 'none'})`;
      turn.deferred = { name: 'ask', agent: target, question: action.args.question };
    } else if (action.name === 'answer') {
      if (agent.openQuestions.length === 0) return `${agent.name} has no open question to answer`;
      turn.deferred = { name: 'answer', content: action.args.content };
    } else {
      const isEntry = agent.definition === run.options.squad.task.entry;
      if (!isEntry && !agent.caller?.from) return `${agent.name} has no one to return a result to`;
      turn.deferred = { name: 'finish', result: action.args.result };
    }
    return null;
  }

  /** Asks the guardrails and the run control before a message leaves; the refusing trip, if any. */
  private async refusal(agent: AgentRuntime, to: string, kind: 'handoff' | 'question' | 'answer' | 'result', content: string) {
    const { run } = this;
    const turn = turnOf(agent);
    const gate = { from: agent.name, to, kind, tokens: countText(content) };
    let refused = run.gate.gate((g) => g.beforeMessage?.(gate, run));
    if (refused instanceof Promise) refused = await refused;
    if (refused) return refused;
    const held = run.gate.checkpoint({ kind: 'message', agent: agent.name, turn: turn.turn, to, messageKind: kind });
    if (held) await held;
    return null;
  }

  /** Carries out the action that closes a turn. */
  async settle(agent: AgentRuntime, action: DeferredAction): Promise<void> {
    const { run } = this;
    const turn = turnOf(agent);
    if (action.name === 'finish' && agent.definition === run.options.squad.task.entry) {
      this.endTurn(agent, 'finished');
      run.end(runEnd('completed', action.result, null, [...agent.marks]));
      return;
    }
    const to = action.name === 'ask' ? action.agent : action.name === 'answer' ? agent.openQuestions[0]!.from! : agent.caller!.from!;
    const kind = action.name === 'ask' ? 'question' : action.name === 'answer' ? 'answer' : 'result';
    const content = action.name === 'ask' ? action.question : action.name === 'answer' ? action.content : action.result;
    const refused = await this.refusal(agent, to, kind, content);
    if (run.ended) return;
    if (refused) {
      agent.context.push({ role: 'tool', content: `error: the ${kind} to ${to} was refused by the ${refused.kind} guardrail` });
      await this.failed(agent, { what: 'hand-off', seq: run.emitter.lastSeq, reason: `the ${kind} to ${to} was refused by the ${refused.kind} guardrail` });
      if (agent.turn === turn && !run.ended) this.endTurn(agent, 'failed');
      return;
    }
    switch (action.name) {
      case 'ask': {
        const question = run.mail.send(agent.name, action.agent, 'question', action.question, null, turn.span);
        this.endTurn(agent, 'waiting');
        await run.mail.startWaiting(agent, { reason: 'answer', on: [question.to], questionId: question.id, question: action.question, since: run.now }, turn.span);
        return;
      }
      case 'answer': {
        const question = agent.openQuestions.shift()!;
        run.mail.send(agent.name, question.from!, 'answer', action.content, question.id, turn.span);
        this.endTurn(agent, 'idle');
        return;
      }
      case 'finish': {
        const caller = agent.caller!;
        run.mail.send(agent.name, caller.from!, 'result', action.result, caller.id, turn.span);
        agent.caller = null;
        this.endTurn(agent, 'finished');
        return;
      }
    }
  }

  /**
   * Something this agent depended on failed: the cascade policy decides (halt, fall back, go on
   * tainted). Without one, the agent goes on and what it sends is marked tainted; a failed model
   * call ends its turn.
   */
  async failed(agent: AgentRuntime, failure: Failure): Promise<void> {
    const { run } = this;
    const turn = turnOf(agent);
    const taint = (): void => mergeMarks(agent.marks, [{ kind: 'tainted', agent: agent.name, seq: failure.seq, reason: `${failure.what} failed: ${failure.reason}` }]);
    const canFallBack = agent.config.fallback !== undefined && (agent.definition === run.options.squad.task.entry || (agent.caller?.from !== undefined && agent.caller.from !== null));
    const decision = run.gate.first((g) =>
      g.onFailure?.({ agent: agent.name, what: failure.what, seq: failure.seq, reason: failure.reason, dependents: this.dependentsOf(agent.name), canFallBack }, run),
    );
    if (!decision) {
      taint();
      if (failure.what === 'model call') this.endTurn(agent, 'failed');
      return;
    }
    if (decision.outcome === 'halt') {
      await run.gate.trip(decision.trip);
      return;
    }
    taint();
    await run.gate.trip(decision.trip);
    if (decision.outcome !== 'fallback' || run.ended) return;
    turn.fallback = true;
    if (turn.pendingTools <= 1) await this.settleFallback(agent);
  }

  async settleFallback(agent: AgentRuntime): Promise<void> {
    const { run } = this;
    const fallback = agent.config.fallback ?? '';
    if (agent.definition === run.options.squad.task.entry) {
      this.endTurn(agent, 'finished');
      run.end(runEnd('completed', fallback, null, [...agent.marks]));
      return;
    }
    const turn = turnOf(agent);
    const caller = agent.caller!;
    run.mail.send(agent.name, caller.from!, 'result', fallback, caller.id, turn.span);
    agent.caller = null;
    this.endTurn(agent, 'finished');
  }

  /** Who is left waiting for this agent's work: the chain of callers and the agents waiting on it. */
  private dependentsOf(name: string): string[] {
    const { run } = this;
    const out: string[] = [];
    const visit = (agent: string): void => {
      const a = run.roster.find(agent);
      const next = [a?.caller?.from ?? null, ...[...run.mail.waits].filter(([, w]) => w.on.includes(agent)).map(([who]) => who)];
      for (const n of next) {
        if (n && n !== name && !out.includes(n)) {
          out.push(n);
          visit(n);
        }
      }
    };
    visit(name);
    return out;
  }

  endTurn(agent: AgentRuntime, outcome: 'idle' | 'waiting' | 'finished' | 'failed'): void {
    const { run } = this;
    const turn = turnOf(agent);
    run.models.release(turn);
    run.emit({ runId: run.emitter.runId, seq: 0, type: 'agent.turn.completed', t: run.now, agent: agent.name, spanId: turn.span, parentSpanId: 'run', turn: turn.turn, acked: turn.consumed, outcome });
    agent.turn = null;
    agent.status = 'idle';
    if (outcome !== 'waiting') run.mail.wake(agent);
  }
}

export function turnOf(agent: AgentRuntime): TurnState {
  if (!agent.turn) throw new Error(`${agent.name} has no turn in progress`);
  return agent.turn;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short content key (the first 16 hex digits of SHA-256): the context cache's document and tool keys. */
export function sha(text: string): string {
  return sha256Hex(text).slice(0, 16);
}
