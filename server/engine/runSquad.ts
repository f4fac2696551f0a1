import { JOURNAL_FORMAT_VERSION, type RunEvent, type RunEventDraft, type RunStatus } from '../../protocol/runEvent';
import type { SquadFile } from '../../protocol/squadFile';
import { applyEvent, emptyRunAccount, type RunAccount } from './accounting';
import {
  asChatMessage,
  systemPrompt,
  toolAllowed,
  type AgentRuntime,
  type DeferredAction,
  type Message,
} from './agentRuntime';
import type { Clock } from './clock';
import { controlToolSpecs, isControlName, parseControl } from './controlTools';
import { EventQueue } from './eventQueue';
import { budget } from './guardrails/budget';
import { deadlock } from './guardrails/deadlock';
import type { AgentWait, Guardrail, RunView, Trip } from './guardrails/guardrail';
import { turnLimit } from './guardrails/turnLimit';
import type { JournalWriter } from './journalWriter';
import type { ModelProvider, ModelResponse } from './modelProvider';
import type { RandomSource } from './randomSource';
import type { Checkpoint, RunControl } from './runControl';
import { costOf, loadPricingTable, resolveModel } from './resolvedModel';
import { RunJournal, type RunEventListener } from './runJournal';
import type { RunProfile } from './runProfile';
import { countChat, countText } from './tokenCounter';
import type { ToolCallOutcome, ToolHost } from './toolHost';

export interface RunPorts {
  model: ModelProvider;
  tools: ToolHost;
  journal: JournalWriter;
  clock: Clock;
  random: RandomSource;
}

export interface RunOptions {
  runId: string;
  squad: SquadFile;
  /** The file as written, kept in `run.started` so the journal alone can replay the run. */
  source: { path: string; text: string; sha256: string };
  profile: RunProfile;
  seed: number;
  tenant: string;
  ports: RunPorts;
  signal: AbortSignal;
  /** Sees every event right after it is journaled (live progress, streams). */
  onEvent?: RunEventListener;
  /** Replaces the default guardrails (turn limit, budget, deadlock). */
  guardrails?: Guardrail[];
  /** Holds the run at its checkpoints (pause, step, breakpoints). */
  control?: RunControl;
}

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  result: string | null;
  reason: string | null;
  account: RunAccount;
}

/** A model call may not loop on tool calls forever inside one turn. */
const MAX_MODEL_CALLS_PER_TURN = 16;

type Work =
  | { kind: 'deliver'; message: Message }
  | { kind: 'turn'; agent: string }
  | { kind: 'modelDone'; agent: string; response: ModelResponse }
  | { kind: 'toolDone'; agent: string; callId: string; tool: string; outcome: ToolCallOutcome };

/** Why the loop stops early. Thrown inside the engine only, caught by `runSquad`. */
class RunEnd {
  constructor(
    readonly status: RunStatus,
    readonly result: string | null,
    readonly reason: string | null,
  ) {}
}

/**
 * Runs a squad to the end and journals every step. Pure: every effect goes through `ports`.
 *
 * Scheduling is a discrete-event simulation: work is queued at a virtual time and taken in (time,
 * insertion) order; each model or tool call is awaited when its turn comes and its latency decides
 * when its result is processed. With the virtual clock and a seeded provider the whole run is a pure
 * function of its inputs, which is what makes journals byte-for-byte reproducible.
 */
export async function runSquad(options: RunOptions): Promise<RunOutcome> {
  return new SquadRun(options).run();
}

class SquadRun implements RunView {
  private readonly journal: RunJournal;
  private readonly queue = new EventQueue<Work>();
  private readonly agents = new Map<string, AgentRuntime>();
  private readonly guardrails: Guardrail[];
  readonly account: RunAccount = emptyRunAccount();
  readonly waits = new Map<string, AgentWait>();
  inFlight = 0;
  now = 0;
  private nextMessage = 0;
  private nextCall = 0;

  constructor(private readonly o: RunOptions) {
    this.journal = new RunJournal(o.runId, o.ports.journal);
    this.journal.subscribe((e) => applyEvent(this.account, e));
    if (o.onEvent) this.journal.subscribe(o.onEvent);
    this.guardrails = o.guardrails ?? [turnLimit(), budget(), deadlock()];
    const pricing = loadPricingTable();
    for (const [name, config] of Object.entries(o.squad.agents)) {
      const modelConfig = o.squad.models[config.model];
      if (!modelConfig) throw new Error(`agent ${name}: unknown model "${config.model}" (validate the squad first)`);
      const mcpTools = o.ports.tools.tools().filter((t) => toolAllowed(config.tools, t.name));
      this.agents.set(name, {
        name,
        config,
        model: resolveModel(config.model, modelConfig, pricing),
        tools: [...controlToolSpecs({ canHandoff: config.handoffs.length > 0, canAsk: config.asks.length > 0 }), ...mcpTools],
        status: 'idle',
        mailbox: [],
        context: [{ role: 'system', content: systemPrompt(o.squad.name, name, config) }],
        turns: 0,
        turn: null,
        wait: null,
        openQuestions: [],
        caller: null,
      });
    }
  }

  get profile(): RunProfile {
    return this.o.profile;
  }

  turnLimitOf(agent: string): number {
    return this.agents.get(agent)?.config.maxTurns ?? this.o.profile.guardrails.maxTurnsPerAgent;
  }

  async run(): Promise<RunOutcome> {
    const { o } = this;
    let end: RunEnd;
    try {
      this.emit({
        type: 'run.started',
        t: 0,
        agent: null,
        spanId: 'run',
        parentSpanId: null,
        formatVersion: JOURNAL_FORMAT_VERSION,
        squad: { name: o.squad.name, path: o.source.path, sha256: o.source.sha256, source: o.source.text },
        profile: o.profile.name,
        seed: o.seed,
        tenant: o.tenant,
        entry: o.squad.task.entry,
        input: o.squad.task.input,
      });
      this.send(null, o.squad.task.entry, 'task', o.squad.task.input, null, 'run');
      end = await this.loop();
    } catch (error) {
      if (error instanceof RunEnd) end = error;
      else if (o.signal.aborted) end = new RunEnd('cancelled', null, reasonOf(o.signal.reason));
      else throw error;
    }
    this.emit({
      type: 'run.completed',
      t: this.now,
      agent: null,
      spanId: 'run',
      parentSpanId: null,
      status: end.status,
      result: end.result,
      reason: end.reason,
    });
    await o.ports.journal.flush();
    return { runId: o.runId, status: end.status, result: end.result, reason: end.reason, account: this.account };
  }

  private async loop(): Promise<RunEnd> {
    const { signal } = this.o;
    const { clock } = this.o.ports;
    for (;;) {
      if (signal.aborted) return new RunEnd('cancelled', null, reasonOf(signal.reason));
      const next = this.queue.pop();
      if (!next) {
        this.gate((g) => g.onQuiescent?.(this));
        const entry = this.o.squad.task.entry;
        return new RunEnd('failed', null, `the squad went quiet before ${entry} called finish`);
      }
      await clock.advanceTo(next.t, signal);
      this.now = next.t;
      await this.process(next.item);
      await this.journal.backpressure();
    }
  }

  private async process(work: Work): Promise<void> {
    switch (work.kind) {
      case 'deliver':
        return this.deliver(work.message);
      case 'turn':
        return this.startTurn(this.agent(work.agent));
      case 'modelDone':
        return this.modelDone(this.agent(work.agent), work.response);
      case 'toolDone':
        return this.toolDone(this.agent(work.agent), work.callId, work.tool, work.outcome);
    }
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────────────

  private send(from: string | null, to: string, kind: Message['kind'], content: string, inReplyTo: string | null, span: string): Message {
    const message: Message = { id: `m${++this.nextMessage}`, from, to, kind, content, inReplyTo };
    this.emit({
      type: 'message.sent',
      t: this.now,
      agent: from,
      spanId: `${span}/${message.id}`,
      parentSpanId: span,
      messageId: message.id,
      from,
      to,
      kind,
      content,
      tokens: countText(content),
      inReplyTo,
    });
    this.inFlight += 1;
    const hop = from === null ? 0 : this.o.profile.handoffLatencyMs;
    this.queue.push(this.now + hop, { kind: 'deliver', message });
    return message;
  }

  private deliver(message: Message): void {
    this.inFlight -= 1;
    const agent = this.agent(message.to);
    this.emit({
      type: 'message.delivered',
      t: this.now,
      agent: agent.name,
      spanId: `deliver/${message.id}`,
      parentSpanId: null,
      messageId: message.id,
      to: agent.name,
    });
    agent.mailbox.push(message);
    this.wake(agent);
  }

  /** Schedules the agent's next turn if it can take one; records a join wait if it cannot yet. */
  private wake(agent: AgentRuntime): void {
    if (agent.status === 'running' || agent.status === 'scheduled' || agent.mailbox.length === 0) return;
    if (agent.wait?.reason === 'answer') {
      const questionId = agent.wait.questionId;
      if (!agent.mailbox.some((m) => m.kind === 'answer' && m.inReplyTo === questionId)) return;
    } else {
      const missing = (this.o.ports.model.joinFor?.(agent.name) ?? []).filter(
        (from) => !agent.mailbox.some((m) => m.from === from),
      );
      if (missing.length > 0) {
        const same = agent.wait?.reason === 'join' && agent.wait.on.join() === missing.join();
        if (!same) this.startWaiting(agent, { reason: 'join', on: missing, questionId: null }, `${agent.name}/wait`);
        return;
      }
    }
    agent.wait = null;
    this.waits.delete(agent.name);
    agent.status = 'scheduled';
    this.queue.push(this.now, { kind: 'turn', agent: agent.name });
  }

  private startWaiting(agent: AgentRuntime, wait: AgentWait, span: string): void {
    agent.wait = wait;
    agent.status = 'waiting';
    this.waits.set(agent.name, wait);
    this.emit({
      type: 'agent.waiting',
      t: this.now,
      agent: agent.name,
      spanId: `${span}/wait`,
      parentSpanId: span,
      on: [...wait.on],
      reason: wait.reason,
      questionId: wait.questionId,
    });
    this.gate((g) => g.onWait?.(agent.name, this));
  }

  // ── turns ─────────────────────────────────────────────────────────────────────────────────────

  private async startTurn(agent: AgentRuntime): Promise<void> {
    this.gate((g) => g.beforeTurn?.(agent.name, this));
    await this.checkpoint({ kind: 'turn', agent: agent.name, turn: agent.turns + 1 });
    const answerTo = agent.wait?.reason === 'answer' ? agent.wait.questionId : null;
    const consumed =
      answerTo === null ? agent.mailbox.splice(0) : agent.mailbox.splice(agent.mailbox.findIndex((m) => m.inReplyTo === answerTo), 1);
    agent.turns += 1;
    agent.status = 'running';
    const span = `${agent.name}/turn-${agent.turns}`;
    agent.turn = { turn: agent.turns, span, call: 0, consumed: consumed.map((m) => m.id), pendingTools: 0, deferred: null };
    this.emit({
      type: 'agent.turn.started',
      t: this.now,
      agent: agent.name,
      spanId: span,
      parentSpanId: 'run',
      turn: agent.turns,
      consumed: agent.turn.consumed,
    });
    // A stateless agent starts every turn from its instructions alone: its context cannot grow.
    if (agent.config.context === 'turn') agent.context.splice(1);
    for (const m of consumed) {
      agent.context.push(asChatMessage(m));
      if (m.kind === 'question') agent.openQuestions.push(m);
      if (m.kind === 'task' || m.kind === 'handoff') agent.caller = m;
    }
    await this.callModel(agent);
  }

  private async callModel(agent: AgentRuntime): Promise<void> {
    const turn = this.turnOf(agent);
    if (turn.call >= MAX_MODEL_CALLS_PER_TURN) {
      this.trip({
        kind: 'loop',
        action: 'halt',
        agent: agent.name,
        message: `${agent.name} made ${turn.call} model calls in one turn without ending it`,
        evidence: { turn: turn.turn, modelCalls: turn.call, limit: MAX_MODEL_CALLS_PER_TURN },
      });
    }
    this.gate((g) => g.beforeModelCall?.(agent.name, this));
    await this.checkpoint({ kind: 'model', agent: agent.name, turn: turn.turn, call: turn.call + 1 });
    turn.call += 1;
    const span = `${turn.span}/model-${turn.call}`;
    const { model } = agent;
    this.emit({
      type: 'model.request',
      t: this.now,
      agent: agent.name,
      spanId: span,
      parentSpanId: turn.span,
      provider: model.provider,
      model: model.model,
      messages: agent.context.length,
      inputTokensEstimate: countChat(agent.context),
      contextWindow: model.contextWindow,
      tools: agent.tools.map((t) => t.name),
    });
    let response: ModelResponse;
    try {
      response = await this.o.ports.model.complete({
        agent: agent.name,
        turn: turn.turn,
        call: turn.call,
        model,
        messages: agent.context,
        tools: agent.tools,
        signal: this.o.signal,
      });
    } catch (error) {
      if (this.o.signal.aborted) throw error;
      const message = reasonOf(error);
      this.emit({ type: 'model.failed', t: this.now, agent: agent.name, spanId: span, parentSpanId: turn.span, error: message, latencyMs: 0 });
      this.endTurn(agent, 'failed');
      throw new RunEnd('failed', null, `${agent.name}: model call failed: ${message}`);
    }
    this.queue.push(this.now + response.latencyMs, { kind: 'modelDone', agent: agent.name, response });
  }

  private async modelDone(agent: AgentRuntime, response: ModelResponse): Promise<void> {
    const turn = this.turnOf(agent);
    const span = `${turn.span}/model-${turn.call}`;
    const toolCalls = response.toolCalls.map((c) => ({ id: `c${++this.nextCall}`, name: c.name, args: argsRecord(c.args) }));
    this.emit({
      type: 'model.response',
      t: this.now,
      agent: agent.name,
      spanId: span,
      parentSpanId: turn.span,
      text: response.text,
      toolCalls,
      usage: response.usage,
      costUsd: costOf(response.usage, agent.model.price),
      priced: agent.model.price !== null,
      latencyMs: response.latencyMs,
    });
    agent.context.push({
      role: 'assistant',
      content: toolCalls.length === 0 ? response.text : `${response.text}\n${JSON.stringify(toolCalls)}`.trimStart(),
    });

    const mcpCalls: { id: string; name: string; args: Record<string, unknown> }[] = [];
    let rejected = 0;
    for (const [i, call] of toolCalls.entries()) {
      const raw = response.toolCalls[i]!.args;
      const problem = await this.actOn(agent, call.id, call.name, raw, mcpCalls);
      if (problem) {
        rejected += 1;
        agent.context.push({ role: 'tool', toolCallId: call.id, content: `error: ${problem}` });
      }
    }

    if (mcpCalls.length > 0) {
      turn.pendingTools = mcpCalls.length;
      for (const call of mcpCalls) await this.callTool(agent, call, turn.span);
      return;
    }
    if (turn.deferred) return await this.settle(agent, turn.deferred);
    // A model that only got errors back gets to correct itself in another call of the same turn.
    if (rejected > 0) return this.callModel(agent);
    this.endTurn(agent, 'idle');
  }

  /**
   * Carries out one tool call of a response. Hand-offs go out at once; MCP calls are collected; a
   * closing action (ask, answer, finish) is held until the turn's tool calls return. Returns the
   * reason the call was refused, for the model to read.
   */
  private async actOn(
    agent: AgentRuntime,
    id: string,
    name: string,
    args: unknown,
    mcpCalls: { id: string; name: string; args: Record<string, unknown> }[],
  ): Promise<string | null> {
    const turn = this.turnOf(agent);
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
      await this.checkpoint({ kind: 'message', agent: agent.name, turn: turn.turn, to, messageKind: 'handoff' });
      this.send(agent.name, to, 'handoff', action.args.content, null, turn.span);
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
      const isEntry = agent.name === this.o.squad.task.entry;
      if (!isEntry && !agent.caller?.from) return `${agent.name} has no one to return a result to`;
      turn.deferred = { name: 'finish', result: action.args.result };
    }
    return null;
  }

  private async callTool(agent: AgentRuntime, call: { id: string; name: string; args: Record<string, unknown> }, turnSpan: string): Promise<void> {
    const span = `${turnSpan}/tool-${call.id}`;
    await this.checkpoint({ kind: 'tool', agent: agent.name, turn: this.turnOf(agent).turn, tool: call.name, callId: call.id });
    this.emit({ type: 'tool.call', t: this.now, agent: agent.name, spanId: span, parentSpanId: turnSpan, callId: call.id, tool: call.name, args: call.args });
    let outcome: ToolCallOutcome;
    try {
      outcome = await this.o.ports.tools.call({
        tool: call.name,
        args: call.args,
        agent: agent.name,
        callId: `${this.o.runId}/${call.id}`,
        now: this.now,
        signal: this.o.signal,
      });
    } catch (error) {
      if (this.o.signal.aborted) throw error;
      outcome = { ok: false, content: `tool host failed: ${reasonOf(error)}`, latencyMs: 0 };
    }
    this.queue.push(this.now + outcome.latencyMs, { kind: 'toolDone', agent: agent.name, callId: call.id, tool: call.name, outcome });
  }

  private async toolDone(agent: AgentRuntime, callId: string, tool: string, outcome: ToolCallOutcome): Promise<void> {
    const turn = this.turnOf(agent);
    this.emit({
      type: 'tool.result',
      t: this.now,
      agent: agent.name,
      spanId: `${turn.span}/tool-${callId}`,
      parentSpanId: turn.span,
      callId,
      tool,
      ok: outcome.ok,
      content: outcome.content,
      bytes: Buffer.byteLength(outcome.content),
      latencyMs: outcome.latencyMs,
    });
    agent.context.push({ role: 'tool', toolCallId: callId, content: outcome.ok ? outcome.content : `error: ${outcome.content}` });
    turn.pendingTools -= 1;
    if (turn.pendingTools > 0) return;
    if (turn.deferred) return await this.settle(agent, turn.deferred);
    await this.callModel(agent);
  }

  /** Carries out the action that closes a turn. */
  private async settle(agent: AgentRuntime, action: DeferredAction): Promise<void> {
    const turn = this.turnOf(agent);
    const to = action.name === 'ask' ? action.agent : action.name === 'answer' ? agent.openQuestions[0]?.from : agent.caller?.from;
    const isRunResult = action.name === 'finish' && agent.name === this.o.squad.task.entry;
    if (to && !isRunResult) {
      const messageKind = action.name === 'ask' ? 'question' : action.name === 'answer' ? 'answer' : 'result';
      await this.checkpoint({ kind: 'message', agent: agent.name, turn: turn.turn, to, messageKind });
    }
    switch (action.name) {
      case 'ask': {
        const question = this.send(agent.name, action.agent, 'question', action.question, null, turn.span);
        this.endTurn(agent, 'waiting');
        this.startWaiting(agent, { reason: 'answer', on: [action.agent], questionId: question.id }, turn.span);
        return;
      }
      case 'answer': {
        const question = agent.openQuestions.shift()!;
        this.send(agent.name, question.from!, 'answer', action.content, question.id, turn.span);
        return this.endTurn(agent, 'idle');
      }
      case 'finish': {
        if (agent.name === this.o.squad.task.entry) {
          this.endTurn(agent, 'finished');
          throw new RunEnd('completed', action.result, null);
        }
        const caller = agent.caller!;
        this.send(agent.name, caller.from!, 'result', action.result, caller.id, turn.span);
        agent.caller = null;
        return this.endTurn(agent, 'finished');
      }
    }
  }

  private endTurn(agent: AgentRuntime, outcome: 'idle' | 'waiting' | 'finished' | 'failed'): void {
    const turn = this.turnOf(agent);
    this.emit({
      type: 'agent.turn.completed',
      t: this.now,
      agent: agent.name,
      spanId: turn.span,
      parentSpanId: 'run',
      turn: turn.turn,
      acked: turn.consumed,
      outcome,
    });
    agent.turn = null;
    agent.status = 'idle';
    if (outcome !== 'waiting' && outcome !== 'failed') this.wake(agent);
  }

  // ── plumbing ──────────────────────────────────────────────────────────────────────────────────

  private emit(draft: RunEventDraft): RunEvent {
    const event = this.journal.emit(draft);
    for (const g of this.guardrails) {
      const trip = g.afterEvent?.(event, this);
      if (trip) this.trip(trip);
    }
    return event;
  }

  private async checkpoint(point: Checkpoint): Promise<void> {
    if (this.o.control) await this.o.control.checkpoint(point, this);
  }

  private gate(hook: (g: Guardrail) => Trip | null | undefined): void {
    for (const g of this.guardrails) {
      const trip = hook(g);
      if (trip) this.trip(trip);
    }
  }

  /** Journals a trip and carries out its action. Anything but `warn` stops the run here. */
  private trip(trip: Trip): void {
    this.emit({
      type: 'guardrail.tripped',
      t: this.now,
      agent: trip.agent,
      spanId: `guardrail/${this.journal.lastSeq + 1}`,
      parentSpanId: trip.agent ? (this.agents.get(trip.agent)?.turn?.span ?? null) : null,
      kind: trip.kind,
      action: trip.action,
      message: trip.message,
      evidence: trip.evidence,
    });
    if (trip.action !== 'warn') throw new RunEnd('halted', null, `${trip.kind}: ${trip.message}`);
  }

  private agent(name: string): AgentRuntime {
    const agent = this.agents.get(name);
    if (!agent) throw new Error(`no agent "${name}" in this squad`);
    return agent;
  }

  private turnOf(agent: AgentRuntime): NonNullable<AgentRuntime['turn']> {
    if (!agent.turn) throw new Error(`${agent.name} has no turn in progress`);
    return agent.turn;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function argsRecord(args: unknown): Record<string, unknown> {
  return isRecord(args) ? args : { value: args };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
