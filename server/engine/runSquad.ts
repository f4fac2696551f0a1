import { createHash } from 'node:crypto';
import { JOURNAL_FORMAT_VERSION, type Mark, type RunEvent, type RunEventDraft, type RunStatus, type Usage } from '../../protocol/runEvent';
import { REPLICA_DEFAULTS } from '../../protocol/squad/agent';
import type { SquadFile } from '../../protocol/squadFile';
import { applyEvent, emptyRunAccount, type RunAccount } from './accounting';
import {
  asChatMessage,
  mergeMarks,
  systemPrompt,
  toolAllowed,
  type AgentRuntime,
  type DeferredAction,
  type Message,
} from './agentRuntime';
import type { Clock } from './clock';
import { MemoryContextCache, type ContextCache } from './contextCache';
import { ToolResultCache, toolCachePolicy, type CacheTicket, type ToolCachePolicy } from './toolResultCache';
import { fitContext } from './contextWindow';
import { controlToolSpecs, isControlName, parseControl } from './controlTools';
import { EventQueue } from './eventQueue';
import { defaultGuardrails } from './guardrails/defaultGuardrails';
import type { AgentWait, Guardrail, RunView, Trip } from './guardrails/guardrail';
import { findWaitCycle } from './guardrails/waitForGraph';
import { leastOutstanding } from './replicaBalancer';
import type { JournalWriter } from './journalWriter';
import { ModelCallError } from './modelCallError';
import type { ModelProvider, ModelResponse } from './modelProvider';
import { backoffDelay } from './policies/backoff';
import { TokenBucket } from './policies/tokenBucket';
import type { RandomSource } from './randomSource';
import { costOf, loadPricingTable, resolveModel } from './resolvedModel';
import type { Checkpoint, RunControl } from './runControl';
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
  /** The context cache; a fresh in-memory one per run when omitted. */
  cache?: ContextCache;
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
  /** Replaces the guardrails the profile enables. */
  guardrails?: Guardrail[];
  /** Holds the run at its checkpoints (pause, step, breakpoints). */
  control?: RunControl;
  /** This run forks another: after event `seq` the engine journals `run.forked` and goes on live. */
  forkOf?: { seq: number; parentRunId: string; parentJournal: string; edited: boolean };
}

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  result: string | null;
  reason: string | null;
  marks: Mark[];
  account: RunAccount;
}

/** A model may not loop on tool calls forever inside one turn. */
const MAX_MODEL_CALLS_PER_TURN = 16;

type Work =
  | { kind: 'deliver'; message: Message }
  | { kind: 'turn'; agent: string }
  | { kind: 'model'; agent: string; throttled: boolean }
  | { kind: 'modelDone'; agent: string; response: ModelResponse }
  | { kind: 'stuck'; agent: string; afterMs: number }
  | { kind: 'toolDone'; agent: string; callId: string; tool: string; outcome: ToolCallOutcome; cacheKey: CacheTicket | null; writes: boolean };

/** Why the loop stops early. Thrown inside the engine only, caught by `run`. */
class RunEnd {
  constructor(
    readonly status: RunStatus,
    readonly result: string | null,
    readonly reason: string | null,
    readonly marks: Mark[] = [],
  ) {}
}

/** What failed, for the cascade guardrail: the event that records it and why. */
interface Failure {
  what: 'tool call' | 'hand-off' | 'model call';
  seq: number;
  reason: string;
}

/**
 * Runs a squad to the end and journals every step. Pure: every effect goes through `ports`.
 *
 * Scheduling is a discrete-event simulation: work is queued at a run time and taken in (time,
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
  /** The instances of each agent declared with `replicas` > 1, by declared name, in index order. */
  private readonly replicaSets = new Map<string, AgentRuntime[]>();
  private readonly guardrails: Guardrail[];
  /** The guardrails whose `afterEvent` wants each event type, built on the type's first event. */
  private readonly watchers = new Map<RunEvent['type'], Guardrail[]>();
  private readonly cache: ContextCache;
  /** Tool answers, per run: read-only tools only, dropped on writes, with a TTL (see toolResultCache.ts). */
  private readonly toolCache: ToolResultCache;
  private readonly buckets = new Map<string, { requests: TokenBucket | null; tokens: TokenBucket | null }>();
  /** Aborted when the run ends for any reason, so calls still in flight stop too. */
  private readonly stop = new AbortController();
  private readonly callSignal: AbortSignal;
  readonly account: RunAccount = emptyRunAccount();
  readonly waits = new Map<string, AgentWait>();
  private readonly pendingPauses: Trip[] = [];
  inFlight = 0;
  reservedUsd = 0;
  now = 0;
  private nextMessage = 0;
  private nextCall = 0;

  constructor(private readonly o: RunOptions) {
    this.journal = new RunJournal(o.runId, o.ports.journal);
    this.journal.subscribe((e) => applyEvent(this.account, e));
    if (o.onEvent) this.journal.subscribe(o.onEvent);
    this.guardrails = o.guardrails ?? defaultGuardrails(o.profile.guardrails.disabled);
    this.cache = o.ports.cache ?? new MemoryContextCache();
    this.toolCache = new ToolResultCache(o.profile.guardrails.tokenExplosion.cacheTtlMs);
    this.callSignal = AbortSignal.any([o.signal, this.stop.signal]);
    const pricing = loadPricingTable();
    for (const [definition, config] of Object.entries(o.squad.agents)) {
      const modelConfig = o.squad.models[config.model];
      if (!modelConfig) throw new Error(`agent ${definition}: unknown model "${config.model}" (validate the squad first)`);
      const mcpTools = o.ports.tools.tools().filter((t) => toolAllowed(config.tools, t.name));
      const tools = [...controlToolSpecs({ canHandoff: config.handoffs.length > 0, canAsk: config.asks.length > 0 }), ...mcpTools];
      const model = resolveModel(config.model, modelConfig, pricing);
      const toolTokens = countText(JSON.stringify(tools));
      const system = systemPrompt(o.squad.name, definition, config);
      const names = config.replicas > 1 ? Array.from({ length: config.replicas }, (_, i) => `${definition}#${i + 1}`) : [definition];
      const instances = names.map(
        (name): AgentRuntime => ({
          name,
          definition,
          inTransit: 0,
          downUntil: 0,
          config,
          model,
          tools,
          toolTokens,
          status: 'idle',
          mailbox: [],
          context: [{ role: 'system', content: system }],
          turns: 0,
          turn: null,
          wait: null,
          openQuestions: [],
          caller: null,
          marks: [],
          awaitingResults: new Set(),
          documents: new Set(),
        }),
      );
      for (const a of instances) this.agents.set(a.name, a);
      if (instances.length > 1) this.replicaSets.set(definition, instances);
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
        tools: o.ports.tools.tools().map((t) => ({
          name: t.name,
          description: t.description,
          inputSchema: t.inputSchema,
          ...(t.cacheable !== undefined ? { cacheable: t.cacheable } : {}),
        })),
      });
      this.send(null, o.squad.task.entry, 'task', o.squad.task.input, null, 'run');
      end = await this.loop();
    } catch (error) {
      if (error instanceof RunEnd) end = error;
      else if (o.signal.aborted) end = new RunEnd('cancelled', null, reasonOf(o.signal.reason));
      else throw error;
    } finally {
      this.stop.abort(new Error('the run ended'));
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
      marks: end.marks,
    });
    await o.ports.journal.flush();
    return { runId: o.runId, status: end.status, result: end.result, reason: end.reason, marks: end.marks, account: this.account };
  }

  private async loop(): Promise<RunEnd> {
    const { signal } = this.o;
    const { clock } = this.o.ports;
    for (;;) {
      if (signal.aborted) return new RunEnd('cancelled', null, reasonOf(signal.reason));
      const next = this.queue.pop();
      if (!next) {
        await this.gate((g) => g.onQuiescent?.(this));
        const entry = this.o.squad.task.entry;
        return new RunEnd('failed', null, `the squad went quiet before ${entry} called finish`);
      }
      const deadline = this.o.profile.guardrails.runTimeoutMs;
      if (next.t > deadline) await this.timedOut(deadline);
      await clock.advanceTo(next.t, signal);
      this.now = next.t;
      await this.process(next.item);
      for (const trip of this.pendingPauses.splice(0)) await this.pauseFor(trip);
      await this.journal.backpressure();
    }
  }

  /** The run's deadline passed with work still scheduled: what was running is the evidence. */
  private async timedOut(deadline: number): Promise<void> {
    this.now = deadline;
    const busy = [...this.agents.values()].filter((a) => a.status !== 'idle' || a.mailbox.length > 0);
    await this.trip({
      kind: 'timeout',
      action: 'halt',
      agent: null,
      message: `the run passed its deadline of ${Math.round(deadline / 1000)} s with ${busy.length} agent${busy.length === 1 ? '' : 's'} still busy`,
      evidence: {
        deadlineMs: deadline,
        busy: busy.map((a) => ({ agent: a.name, status: a.status, turns: a.turns, mailbox: a.mailbox.length })),
        modelMs: this.account.totals.modelMs,
        toolMs: this.account.totals.toolMs,
      },
    });
  }

  private async process(work: Work): Promise<void> {
    switch (work.kind) {
      case 'deliver':
        return this.deliver(work.message);
      case 'turn':
        return this.startTurn(this.agent(work.agent));
      case 'model':
        return work.throttled ? this.startModelCall(this.agent(work.agent)) : this.callModel(this.agent(work.agent));
      case 'modelDone':
        return this.modelDone(this.agent(work.agent), work.response);
      case 'stuck':
        return this.stuck(this.agent(work.agent), work.afterMs);
      case 'toolDone':
        return this.toolDone(this.agent(work.agent), work);
    }
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────────────

  private send(from: string | null, address: string, kind: Message['kind'], content: string, inReplyTo: string | null, span: string): Message {
    const to = this.route(address);
    const target = this.agents.get(to);
    if (target) target.inTransit += 1;
    const marks = from === null ? [] : [...(this.agents.get(from)?.marks ?? [])];
    const message: Message = { id: `m${++this.nextMessage}`, from, to, kind, content, inReplyTo, marks };
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
      marks,
    });
    this.inFlight += 1;
    const hop = from === null ? 0 : this.o.profile.handoffLatencyMs;
    this.queue.push(this.now + hop, { kind: 'deliver', message });
    return message;
  }

  /** Asks the guardrails and the run control before a message leaves; the refusing trip, if any. */
  private async refusal(agent: AgentRuntime, to: string, kind: 'handoff' | 'question' | 'answer' | 'result', content: string): Promise<Trip | null> {
    const turn = this.turnOf(agent);
    const tokens = countText(content);
    const gate = { from: agent.name, to, kind, tokens };
    const refused = await this.gate((g) => g.beforeMessage?.(gate, this));
    if (refused) return refused;
    await this.checkpoint({ kind: 'message', agent: agent.name, turn: turn.turn, to, messageKind: kind });
    return null;
  }

  /**
   * Where a message addressed to `address` goes: that agent, or for an agent declared with replicas
   * the healthy instance with the least outstanding work (see `leastOutstanding`). An answer or a
   * result is addressed to the instance that asked or handed off, so an exchange stays on it.
   * With every instance down, the work waits for the first one back.
   */
  private route(address: string): string {
    const set = this.replicaSets.get(address);
    if (!set) return address;
    const up = leastOutstanding(set, this.now);
    if (up) return up.name;
    return set.reduce((a, b) => (b.downUntil < a.downUntil ? b : a)).name;
  }

  private deliver(message: Message): void {
    this.inFlight -= 1;
    const agent = this.agent(message.to);
    agent.inTransit -= 1;
    this.emit({
      type: 'message.delivered',
      t: this.now,
      agent: agent.name,
      spanId: `deliver/${message.id}`,
      parentSpanId: null,
      messageId: message.id,
      to: agent.name,
    });
    // A question withdrawn to break a deadlock may still arrive: it is dropped, not answered.
    if (message.kind === 'question' && !this.questionOpen(message)) return;
    agent.mailbox.push(message);
    this.wake(agent);
  }

  private questionOpen(question: Message): boolean {
    const asker = question.from === null ? undefined : this.agents.get(question.from);
    return asker?.wait?.questionId === question.id;
  }

  /** Schedules the agent's next turn if it can take one; records a join wait if it cannot yet. */
  private wake(agent: AgentRuntime): void {
    if (agent.status === 'running' || agent.status === 'scheduled' || agent.mailbox.length === 0) return;
    if (agent.wait?.reason === 'answer') {
      const questionId = agent.wait.questionId;
      if (!agent.mailbox.some((m) => m.kind === 'answer' && m.inReplyTo === questionId)) return;
    } else {
      const joined = this.o.ports.model.joinFor?.(agent.definition) ?? [];
      const missing = joined.flatMap((from) => this.missingForJoin(agent, from));
      if (missing.length > 0) {
        const same = agent.wait?.reason === 'join' && agent.wait.on.join() === missing.join();
        // A join is not judged when it starts: a message in flight may still meet it. Deadlock
        // detection looks at joins once the squad goes quiet.
        if (!same) this.recordWait(agent, { reason: 'join', on: missing, questionId: null, question: null, since: this.now }, `${agent.name}/wait`);
        return;
      }
    }
    agent.wait = null;
    this.waits.delete(agent.name);
    agent.status = 'scheduled';
    // An instance that crashed takes its mail once it has restarted.
    this.queue.push(Math.max(this.now, agent.downUntil), { kind: 'turn', agent: agent.name });
  }

  /**
   * Who a join on `definition` still waits for: a message from each instance that has this agent's
   * work (one hand-off result each), or, when it handed that agent nothing, a message from any.
   */
  private missingForJoin(agent: AgentRuntime, definition: string): string[] {
    const instances = this.replicaSets.get(definition)?.map((a) => a.name) ?? [definition];
    const from = (name: string): boolean => agent.mailbox.some((m) => m.from === name);
    const owing = instances.filter((name) => agent.awaitingResults.has(name));
    if (owing.length > 0) return owing.filter((name) => !from(name));
    return instances.some(from) ? [] : instances;
  }

  private async startWaiting(agent: AgentRuntime, wait: AgentWait, span: string): Promise<void> {
    this.recordWait(agent, wait, span);
    if (await this.gate((g) => g.onWait?.(agent.name, this))) this.breakDeadlock(agent.name);
  }

  private recordWait(agent: AgentRuntime, wait: AgentWait, span: string): void {
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
  }

  /**
   * Breaks a wait cycle by failing its youngest wait: the asker gets a reply saying its question could
   * not be answered (and why), its question is withdrawn, and what it builds next is marked tainted.
   */
  private breakDeadlock(closing: string): void {
    const cycle = findWaitCycle(this.waits, closing);
    if (!cycle) return;
    const members = cycle.slice(0, -1);
    const youngest = members.reduce((a, b) => ((this.waits.get(b)?.since ?? 0) > (this.waits.get(a)?.since ?? 0) ? b : a), closing);
    const asker = this.agent(youngest);
    const wait = asker.wait;
    if (!wait || wait.reason !== 'answer' || !wait.questionId) return;
    const asked = this.agent(wait.on[0]!);
    asked.mailbox = asked.mailbox.filter((m) => m.id !== wait.questionId);
    asked.openQuestions = asked.openQuestions.filter((m) => m.id !== wait.questionId);
    mergeMarks(asker.marks, [{ kind: 'tainted', agent: asker.name, seq: this.journal.lastSeq, reason: `deadlock broken: ${asked.name} never answered` }]);
    this.send(
      null,
      asker.name,
      'answer',
      `Your question to ${asked.name} cannot be answered: ${cycle.join(' → ')} were waiting on each other. Go on without the answer.`,
      wait.questionId,
      `${asker.name}/wait`,
    );
  }

  // ── turns ─────────────────────────────────────────────────────────────────────────────────────

  private async startTurn(agent: AgentRuntime): Promise<void> {
    const answerTo = agent.wait?.reason === 'answer' ? agent.wait.questionId : null;
    const taking = answerTo === null ? [...agent.mailbox] : agent.mailbox.filter((m) => m.inReplyTo === answerTo).slice(0, 1);
    const gate = { agent: agent.name, turn: agent.turns + 1, input: taking };
    await this.gate((g) => g.beforeTurn?.(gate, this));
    await this.checkpoint({ kind: 'turn', agent: agent.name, turn: agent.turns + 1 });
    agent.mailbox = agent.mailbox.filter((m) => !taking.includes(m));
    agent.turns += 1;
    agent.status = 'running';
    const span = `${agent.name}/turn-${agent.turns}`;
    agent.turn = { turn: agent.turns, span, call: 0, attempt: 1, consumed: taking.map((m) => m.id), inputs: taking, pendingTools: 0, deferred: null, fallback: false, reservedUsd: 0 };
    this.emit({ type: 'agent.turn.started', t: this.now, agent: agent.name, spanId: span, parentSpanId: 'run', turn: agent.turns, consumed: agent.turn.consumed });
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
    await this.callModel(agent);
  }

  /**
   * A large document this agent already has in its context is not loaded again: the context cache
   * serves a reference to it instead (token explosion is knowledge reloaded on every call).
   */
  private intoContext(agent: AgentRuntime, m: Message): ReturnType<typeof asChatMessage> {
    const chat = asChatMessage(m);
    const settings = this.o.profile.guardrails.tokenExplosion;
    if (!settings.cache || this.disabled('token-explosion')) return chat;
    // A UTF-16 code unit is at most 3 UTF-8 bytes and a token at least one byte: a text this short
    // cannot reach the threshold, and most messages are short, so most are not tokenized here.
    if (m.content.length * 3 < settings.minCachedTokens) return chat;
    const tokens = countText(m.content);
    if (tokens < settings.minCachedTokens) return chat;
    const key = `doc:${sha(m.content)}`;
    const hit = agent.documents.has(key);
    agent.documents.add(key);
    const reference = hit ? `[${m.kind} from ${m.from ?? 'task'}: the same document (${key}, ${tokens} tokens) is already in your context above]` : '';
    this.emit({
      type: 'cache.lookup',
      t: this.now,
      agent: agent.name,
      spanId: `${this.turnOf(agent).span}/cache-${m.id}`,
      parentSpanId: this.turnOf(agent).span,
      source: 'document',
      key,
      hit,
      tokens,
      tokensSaved: hit ? Math.max(0, tokens - countText(reference)) : 0,
    });
    return hit ? { ...chat, content: reference } : chat;
  }

  /** Everything that happens before a model call may start: limits, context window, gates. */
  private async callModel(agent: AgentRuntime): Promise<void> {
    const turn = this.turnOf(agent);
    if (turn.call >= MAX_MODEL_CALLS_PER_TURN) {
      await this.trip({
        kind: 'loop',
        action: 'halt',
        agent: agent.name,
        message: `${agent.name} made ${turn.call} model calls in one turn without ending it`,
        evidence: { turn: turn.turn, modelCalls: turn.call, limit: MAX_MODEL_CALLS_PER_TURN },
      });
    }
    // Counted once: the window check, the budget reservation and the rate limit all use it.
    const promptTokens = (await this.fitWindow(agent, countChat(agent.context))) + agent.toolTokens;
    const { model } = agent;
    const reserveUsd = costOf({ inputTokens: promptTokens, cachedInputTokens: 0, outputTokens: model.maxOutputTokens }, model.price);
    const gate = { agent: agent.name, model, promptTokens, maxOutputTokens: model.maxOutputTokens, reserveUsd };
    const refused = await this.gate((g) => g.beforeModelCall?.(gate, this));
    if (refused) return this.failed(agent, { what: 'model call', seq: this.journal.lastSeq, reason: `refused by the ${refused.kind} guardrail` });
    const wait = await this.rateLimit(agent, promptTokens);
    if (wait === null) return;
    if (wait > 0) {
      this.queue.push(this.now + wait, { kind: 'model', agent: agent.name, throttled: true });
      return;
    }
    await this.startModelCall(agent);
  }

  /**
   * Context truncation is never silent: the policy fails, flags (degrading the output) or summarizes.
   * Takes the context's token count and returns it as it is after any cut.
   */
  private async fitWindow(agent: AgentRuntime, before: number): Promise<number> {
    if (this.disabled('truncation')) return before;
    const { truncation } = this.o.profile.guardrails;
    const window = agent.model.contextWindow;
    const budget = window - truncation.reserveOutputTokens - agent.toolTokens;
    if (before <= budget) return before;
    const over = { agent: agent.name, promptTokens: before + agent.toolTokens, contextWindow: window, reserveOutputTokens: truncation.reserveOutputTokens };
    const fit = truncation.policy === 'fail' ? null : fitContext(agent.context, budget, truncation.policy === 'summarize');
    if (!fit) {
      await this.trip({
        kind: 'truncation',
        action: 'halt',
        agent: agent.name,
        message:
          truncation.policy === 'fail'
            ? `${agent.name}'s prompt (${over.promptTokens} tokens) does not fit ${agent.model.model}'s context window (${window})`
            : `${agent.name}'s prompt cannot be cut to fit ${agent.model.model}'s context window (${window}): its newest message alone is too big`,
        evidence: over,
      });
      return before;
    }
    const policy = truncation.policy === 'summarize' ? 'summarize' : 'flag';
    const summaryTokens = fit.summary ? countText(fit.summary.content) : 0;
    const usage = { inputTokens: fit.summary ? fit.droppedTokens : 0, cachedInputTokens: 0, outputTokens: summaryTokens };
    agent.context = fit.kept;
    const compacted = this.emit({
      type: 'context.compacted',
      t: this.now,
      agent: agent.name,
      spanId: `${this.turnOf(agent).span}/compact-${this.turnOf(agent).call + 1}`,
      parentSpanId: this.turnOf(agent).span,
      policy,
      contextWindow: window,
      promptTokensBefore: before,
      promptTokensAfter: fit.promptTokens,
      droppedMessages: fit.dropped.length,
      droppedTokens: fit.droppedTokens,
      summaryTokens,
      usage,
      costUsd: costOf(usage, agent.model.price),
    });
    if (policy === 'flag') {
      mergeMarks(agent.marks, [{ kind: 'degraded', agent: agent.name, seq: compacted.seq, reason: `${fit.droppedTokens} tokens of context dropped to fit ${window}` }]);
    }
    await this.trip({
      kind: 'truncation',
      action: 'warn',
      agent: agent.name,
      message:
        policy === 'flag'
          ? `${agent.name}'s context was cut: ${plural(fit.dropped.length, 'oldest message')} (${fit.droppedTokens} tokens) dropped to fit ${window}; its output is marked degraded`
          : `${agent.name}'s ${plural(fit.dropped.length, 'oldest message')} (${fit.droppedTokens} tokens) summarized in ${summaryTokens} tokens to fit ${window}`,
      evidence: { ...over, policy, droppedMessages: fit.dropped.length, droppedTokens: fit.droppedTokens, summaryTokens, compactedSeq: compacted.seq },
    });
    return fit.promptTokens;
  }

  /** Applies the model's token buckets. Returns the wait before the call may start, or null if refused. */
  private async rateLimit(agent: AgentRuntime, promptTokens: number): Promise<number | null> {
    const limit = agent.model.rateLimit;
    if (!limit || this.disabled('rate-limit')) return 0;
    let buckets = this.buckets.get(agent.model.name);
    if (!buckets) {
      const burst = limit.burst ?? 1;
      buckets = {
        requests: limit.requestsPerMinute ? new TokenBucket(limit.requestsPerMinute, Math.max(1, limit.requestsPerMinute * burst)) : null,
        tokens: limit.tokensPerMinute ? new TokenBucket(limit.tokensPerMinute, Math.max(1, limit.tokensPerMinute * burst)) : null,
      };
      this.buckets.set(agent.model.name, buckets);
    }
    const requestWait = buckets.requests?.waitFor(1, this.now) ?? 0;
    const tokenWait = buckets.tokens?.waitFor(promptTokens, this.now) ?? 0;
    const wait = Math.max(requestWait, tokenWait);
    const bound = requestWait >= tokenWait ? 'requests' : 'tokens';
    const maxQueueMs = limit.maxQueueMs ?? 60_000;
    if (wait > maxQueueMs) {
      await this.trip({
        kind: 'rate-limit',
        action: 'block-edge',
        agent: agent.name,
        message: `${agent.name}'s call to ${agent.model.model} would wait ${wait} ms for the ${bound}-per-minute limit (at most ${maxQueueMs} ms); refused`,
        evidence: { model: agent.model.name, limit: bound, waitMs: wait, maxQueueMs, requestsPerMinute: limit.requestsPerMinute ?? null, tokensPerMinute: limit.tokensPerMinute ?? null },
      });
      await this.failed(agent, { what: 'model call', seq: this.journal.lastSeq, reason: 'rate limit' });
      return null;
    }
    buckets.requests?.reserve(1, this.now);
    buckets.tokens?.reserve(promptTokens, this.now);
    if (wait > 0) {
      const turn = this.turnOf(agent);
      this.emit({
        type: 'model.throttled',
        t: this.now,
        agent: agent.name,
        spanId: `${turn.span}/throttle-${turn.call + 1}`,
        parentSpanId: turn.span,
        model: agent.model.model,
        limit: bound,
        waitMs: wait,
      });
    }
    return wait;
  }

  private async startModelCall(agent: AgentRuntime): Promise<void> {
    const turn = this.turnOf(agent);
    await this.checkpoint({ kind: 'model', agent: agent.name, turn: turn.turn, call: turn.call + 1 });
    turn.call += 1;
    const span = `${turn.span}/model-${turn.call}`;
    const { model } = agent;
    const promptTokens = countChat(agent.context) + agent.toolTokens;
    turn.reservedUsd = costOf({ inputTokens: promptTokens, cachedInputTokens: 0, outputTokens: model.maxOutputTokens }, model.price);
    this.reservedUsd += turn.reservedUsd;
    this.emit({
      type: 'model.request',
      t: this.now,
      agent: agent.name,
      spanId: span,
      parentSpanId: turn.span,
      provider: model.provider,
      model: model.model,
      messages: agent.context.length,
      inputTokensEstimate: promptTokens,
      contextWindow: model.contextWindow,
      tools: agent.tools.map((t) => t.name),
    });
    let response: ModelResponse;
    try {
      response = await this.o.ports.model.complete({
        agent: agent.name,
        ...(agent.definition !== agent.name ? { definition: agent.definition } : {}),
        turn: turn.turn,
        call: turn.call,
        model,
        messages: agent.context,
        tools: agent.tools,
        maxOutputTokens: model.maxOutputTokens,
        signal: this.callSignal,
      });
    } catch (error) {
      this.release(turn);
      if (this.o.signal.aborted) {
        // A stream cut off by the halt was still billed for what it used: journal that before ending.
        if (error instanceof ModelCallError && error.usage) {
          this.emit({ type: 'model.failed', t: this.now, agent: agent.name, spanId: span, parentSpanId: turn.span, error: reasonOf(error), latencyMs: 0, attempt: turn.attempt, retryInMs: null, fatal: false, ...this.billed(agent, error) });
        }
        throw error;
      }
      return this.modelFailed(agent, span, error);
    }
    // An instance whose call would answer after its stuckAfterMs is stuck: at that moment its work
    // moves to a healthy sibling, and the late answer is never used.
    const stuckAfterMs = agent.config.stuckAfterMs ?? REPLICA_DEFAULTS.stuckAfterMs;
    if (this.replicaSets.has(agent.definition) && response.latencyMs > stuckAfterMs && this.healthySibling(agent)) {
      this.queue.push(this.now + stuckAfterMs, { kind: 'stuck', agent: agent.name, afterMs: stuckAfterMs });
      return;
    }
    this.queue.push(this.now + response.latencyMs, { kind: 'modelDone', agent: agent.name, response });
  }

  /** An instance stuck in a model call: the call is abandoned and its work moves. */
  private async stuck(agent: AgentRuntime, afterMs: number): Promise<void> {
    const turn = this.turnOf(agent);
    this.release(turn);
    const reason = `no answer within ${afterMs} ms: ${agent.name} is stuck`;
    const failed = this.emit({
      type: 'model.failed',
      t: this.now,
      agent: agent.name,
      spanId: `${turn.span}/model-${turn.call}`,
      parentSpanId: turn.span,
      error: reason,
      latencyMs: afterMs,
      attempt: turn.attempt,
      retryInMs: null,
      fatal: false,
      stuck: true,
    });
    if (this.failover(agent, 'stuck', reason)) return;
    await this.failed(agent, { what: 'model call', seq: failed.seq, reason });
  }

  private healthySibling(agent: AgentRuntime): AgentRuntime | null {
    const set = this.replicaSets.get(agent.definition);
    return set ? leastOutstanding(set, this.now, agent) : null;
  }

  /**
   * An instance of a replicated agent crashed or got stuck in its current turn. The turn ends without
   * acknowledging its input; the instance restarts empty after `restartAfterMs`; and the work it held
   * (the hand-off it was working on, questions it had not answered, the turn's input, its mailbox)
   * moves to the healthy sibling with the least outstanding work, which does it from the start.
   * Askers waiting on a moved question now wait on the new instance. False when no sibling is healthy.
   */
  private failover(agent: AgentRuntime, cause: 'crashed' | 'stuck', reason: string): boolean {
    const to = this.healthySibling(agent);
    if (!to) return false;
    const turn = this.turnOf(agent);
    const moved: Message[] = [];
    for (const m of [agent.caller, ...agent.openQuestions, ...turn.inputs, ...agent.mailbox]) {
      if (m && !moved.includes(m)) moved.push(m);
    }
    moved.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
    const downUntil = this.now + (agent.config.restartAfterMs ?? REPLICA_DEFAULTS.restartAfterMs);
    this.emit({
      type: 'agent.failover',
      t: this.now,
      agent: agent.name,
      spanId: `${turn.span}/failover`,
      parentSpanId: turn.span,
      definition: agent.definition,
      from: agent.name,
      to: to.name,
      cause,
      reason,
      messageIds: moved.map((m) => m.id),
      downUntil,
    });
    // What the instance knew is gone with it; it comes back with its instructions alone.
    agent.downUntil = downUntil;
    agent.mailbox = [];
    agent.openQuestions = [];
    agent.caller = null;
    agent.marks = [];
    agent.awaitingResults.clear();
    agent.documents.clear();
    agent.context.splice(1);
    turn.consumed = []; // not acknowledged: the sibling consumes the moved messages again
    this.endTurn(agent, 'failed');
    for (const m of moved) {
      const moving = { ...m, to: to.name };
      to.mailbox.push(moving);
      const sender = m.from === null ? undefined : this.agents.get(m.from);
      if (m.kind === 'handoff' && sender?.awaitingResults.delete(agent.name)) sender.awaitingResults.add(to.name);
      if (m.kind !== 'question' || m.from === null) continue;
      const asker = this.agents.get(m.from);
      if (asker?.wait?.questionId === m.id) {
        asker.wait = { ...asker.wait, on: [to.name] };
        this.waits.set(asker.name, asker.wait);
      }
    }
    this.wake(to);
    return true;
  }

  /** A failed model call: retried with backoff when transient, else a failure the cascade policy acts on. */
  private async modelFailed(agent: AgentRuntime, span: string, error: unknown): Promise<void> {
    const turn = this.turnOf(agent);
    const message = reasonOf(error);
    const { retry } = this.o.profile.guardrails;
    const retryable = error instanceof ModelCallError && error.retryable && turn.attempt < retry.maxAttempts;
    const retryInMs = retryable
      ? Math.max(backoffDelay(turn.attempt, retry.baseDelayMs, retry.maxDelayMs, this.o.ports.random), error.retryAfterMs ?? 0)
      : null;
    const failed = this.emit({
      type: 'model.failed',
      t: this.now,
      agent: agent.name,
      spanId: span,
      parentSpanId: turn.span,
      error: message,
      latencyMs: 0,
      attempt: turn.attempt,
      retryInMs,
      fatal: !(error instanceof ModelCallError),
      ...(error instanceof ModelCallError ? this.billed(agent, error) : {}),
    });
    if (retryInMs !== null) {
      turn.attempt += 1;
      this.queue.push(this.now + retryInMs, { kind: 'model', agent: agent.name, throttled: false });
      return;
    }
    if (!(error instanceof ModelCallError)) {
      // Not the provider's failure but ours (a script that ran out, a bug): the run fails.
      this.endTurn(agent, 'failed');
      throw new RunEnd('failed', null, `${agent.name}: model call failed: ${message}`);
    }
    turn.attempt = 1;
    if (this.failover(agent, 'crashed', `its model call failed for good: ${message}`)) return;
    await this.failed(agent, { what: 'model call', seq: failed.seq, reason: message });
  }

  /** The usage and cost of a failed call that was billed for part of its work, for its model.failed. */
  private billed(agent: AgentRuntime, error: ModelCallError): { usage?: Usage; costUsd?: number } {
    return error.usage ? { usage: error.usage, costUsd: costOf(error.usage, agent.model.price) } : {};
  }

  private release(turn: NonNullable<AgentRuntime['turn']>): void {
    this.reservedUsd = Math.max(0, this.reservedUsd - turn.reservedUsd);
    turn.reservedUsd = 0;
  }

  private async modelDone(agent: AgentRuntime, response: ModelResponse): Promise<void> {
    const turn = this.turnOf(agent);
    this.release(turn);
    turn.attempt = 1;
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
      ...(response.usageCheck ? { usageCheck: response.usageCheck } : {}),
    });
    agent.context.push({
      role: 'assistant',
      content: toolCalls.length === 0 ? response.text : `${response.text}\n${JSON.stringify(toolCalls)}`.trimStart(),
      ...(toolCalls.length === 0 ? {} : { reply: { text: response.text, toolCalls } }),
    });

    const mcpCalls: { id: string; name: string; args: Record<string, unknown> }[] = [];
    let rejected = 0;
    for (const [i, call] of toolCalls.entries()) {
      const problem = await this.actOn(agent, call.id, call.name, response.toolCalls[i]!.args, mcpCalls);
      if (problem) {
        rejected += 1;
        agent.context.push({ role: 'tool', toolCallId: call.id, content: `error: ${problem}` });
      }
    }
    if (agent.turn !== turn) return; // a refused hand-off already ended the turn (cascade fallback)

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
      const refused = await this.refusal(agent, to, 'handoff', action.args.content);
      if (refused) {
        const reason = `the hand-off to ${to} was refused by the ${refused.kind} guardrail`;
        await this.failed(agent, { what: 'hand-off', seq: this.journal.lastSeq, reason });
        return reason;
      }
      const handoff = this.send(agent.name, to, 'handoff', action.args.content, null, turn.span);
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
      const isEntry = agent.definition === this.o.squad.task.entry;
      if (!isEntry && !agent.caller?.from) return `${agent.name} has no one to return a result to`;
      turn.deferred = { name: 'finish', result: action.args.result };
    }
    return null;
  }

  private async callTool(agent: AgentRuntime, call: { id: string; name: string; args: Record<string, unknown> }, turnSpan: string): Promise<void> {
    const span = `${turnSpan}/tool-${call.id}`;
    const server = call.name.slice(0, call.name.indexOf('.'));
    const policy = this.toolCachePolicyOf(agent, call.name);
    const done = (outcome: ToolCallOutcome, cacheKey: CacheTicket | null): void =>
      this.queue.push(this.now + outcome.latencyMs, { kind: 'toolDone', agent: agent.name, callId: call.id, tool: call.name, outcome, cacheKey, writes: policy.writes });
    const gate = { agent: agent.name, tool: call.name, server };
    const blocked = (await this.gate((g) => g.beforeToolCall?.(gate, this))) !== null;
    await this.checkpoint({ kind: 'tool', agent: agent.name, turn: this.turnOf(agent).turn, tool: call.name, callId: call.id });
    this.emit({ type: 'tool.call', t: this.now, agent: agent.name, spanId: span, parentSpanId: turnSpan, callId: call.id, tool: call.name, args: call.args });
    if (blocked) return done({ ok: false, content: `refused: the circuit of tool server ${server} is open`, latencyMs: 0 }, null);
    // A call that may write is always sent, and what was cached of its server is stale from now on.
    if (policy.writes) this.invalidateToolCache(agent, server, call.id, call.name, span, 'call');

    const cacheKey = this.toolCacheKey(policy, call);
    const cached = cacheKey === null ? undefined : this.toolCache.get(cacheKey, this.now);
    if (cacheKey !== null && cached !== undefined) {
      const tokens = countText(cached.content);
      this.emit({ type: 'cache.lookup', t: this.now, agent: agent.name, spanId: `${span}/cache`, parentSpanId: span, source: 'tool', key: cacheKey, hit: true, tokens, tokensSaved: tokens, ageMs: cached.ageMs });
      return done({ ok: true, content: cached.content, latencyMs: 0 }, null);
    }
    const ticket = cacheKey === null ? null : this.toolCache.begin(cacheKey, server);

    let outcome: ToolCallOutcome;
    try {
      outcome = await this.o.ports.tools.call({
        tool: call.name,
        args: call.args,
        agent: agent.name,
        callId: `${this.o.runId}/${call.id}`,
        now: this.now,
        signal: this.callSignal,
      });
    } catch (error) {
      if (this.o.signal.aborted) throw error;
      outcome = { ok: false, content: `tool host failed: ${reasonOf(error)}`, latencyMs: 0 };
    }
    done(outcome, ticket);
  }

  /** The squad file's `cache` setting for the tool's server, over the server's `readOnlyHint`. */
  private toolCachePolicyOf(agent: AgentRuntime, tool: string): ToolCachePolicy {
    const server = tool.slice(0, tool.indexOf('.'));
    const readOnly = agent.tools.find((t) => t.name === tool)?.cacheable === true;
    return toolCachePolicy(this.o.squad.toolServers[server]?.cache, tool.slice(server.length + 1), readOnly);
  }

  /** Cached tools are served from the content-addressed cache: the key is the call itself. */
  private toolCacheKey(policy: ToolCachePolicy, call: { name: string; args: Record<string, unknown> }): string | null {
    const settings = this.o.profile.guardrails.tokenExplosion;
    if (!settings.cache || this.disabled('token-explosion') || !policy.cached) return null;
    return `tool:${sha(`${call.name}\u0000${stableJson(call.args)}`)}`;
  }

  private invalidateToolCache(agent: AgentRuntime, server: string, callId: string, tool: string, span: string, when: 'call' | 'result'): void {
    const dropped = this.toolCache.invalidate(server);
    if (dropped > 0) {
      this.emit({ type: 'cache.invalidated', t: this.now, agent: agent.name, spanId: `${span}/invalidate-${when}`, parentSpanId: span, server, callId, tool, when, dropped });
    }
  }

  private async toolDone(agent: AgentRuntime, work: Extract<Work, { kind: 'toolDone' }>): Promise<void> {
    const { callId, tool, outcome, cacheKey, writes } = work;
    const turn = this.turnOf(agent);
    const span = `${turn.span}/tool-${callId}`;
    // What the tool server's pool went through meanwhile, journaled now that the call is back (`t`);
    // `atMs` says when each happened.
    for (const i of outcome.incidents ?? []) {
      if (i.kind === 'failover') {
        const { kind: _, ...fields } = i;
        this.emit({ type: 'tool.failover', t: this.now, agent: agent.name, spanId: `${span}/attempt-${i.attempt}`, parentSpanId: span, callId, tool, ...fields });
      } else if (i.kind === 'replica.down') {
        const { kind: _, ...fields } = i;
        this.emit({ type: 'tool.replica.down', t: this.now, agent: null, spanId: `${i.replica}/down@${i.atMs}`, parentSpanId: null, ...fields });
      } else {
        const { kind: _, ...fields } = i;
        this.emit({ type: 'tool.replica.up', t: this.now, agent: null, spanId: `${i.replica}/up@${i.atMs}`, parentSpanId: null, ...fields });
      }
    }
    const result = this.emit({
      type: 'tool.result',
      t: this.now,
      agent: agent.name,
      spanId: span,
      parentSpanId: turn.span,
      callId,
      tool,
      ok: outcome.ok,
      content: outcome.content,
      bytes: Buffer.byteLength(outcome.content),
      latencyMs: outcome.latencyMs,
      ...(outcome.replica !== undefined ? { replica: outcome.replica } : {}),
      ...(outcome.attempts !== undefined ? { attempts: outcome.attempts } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    });
    if (writes) this.invalidateToolCache(agent, tool.slice(0, tool.indexOf('.')), callId, tool, span, 'result');
    if (outcome.ok && cacheKey !== null) {
      // A miss is journaled whether or not the answer could be stored (a write overlapped it).
      this.toolCache.complete(cacheKey, outcome.content, this.now);
      const tokens = countText(outcome.content);
      this.emit({ type: 'cache.lookup', t: this.now, agent: agent.name, spanId: `${span}/cache`, parentSpanId: span, source: 'tool', key: cacheKey.key, hit: false, tokens, tokensSaved: 0 });
    }
    agent.context.push({ role: 'tool', toolCallId: callId, content: outcome.ok ? outcome.content : `error: ${outcome.content}` });
    if (!outcome.ok) await this.failed(agent, { what: 'tool call', seq: result.seq, reason: `${tool}: ${outcome.content}` });
    if (agent.turn !== turn) return;
    turn.pendingTools -= 1;
    if (turn.pendingTools > 0) return;
    if (turn.fallback) return this.settleFallback(agent);
    if (turn.deferred) return await this.settle(agent, turn.deferred);
    await this.callModel(agent);
  }

  /** Carries out the action that closes a turn. */
  private async settle(agent: AgentRuntime, action: DeferredAction): Promise<void> {
    const turn = this.turnOf(agent);
    const isRunResult = action.name === 'finish' && agent.definition === this.o.squad.task.entry;
    if (isRunResult) {
      this.endTurn(agent, 'finished');
      throw new RunEnd('completed', action.result, null, [...agent.marks]);
    }
    const to = action.name === 'ask' ? action.agent : action.name === 'answer' ? agent.openQuestions[0]!.from! : agent.caller!.from!;
    const kind = action.name === 'ask' ? 'question' : action.name === 'answer' ? 'answer' : 'result';
    const content = action.name === 'ask' ? action.question : action.name === 'answer' ? action.content : action.result;
    const refused = await this.refusal(agent, to, kind, content);
    if (refused) {
      agent.context.push({ role: 'tool', content: `error: the ${kind} to ${to} was refused by the ${refused.kind} guardrail` });
      await this.failed(agent, { what: 'hand-off', seq: this.journal.lastSeq, reason: `the ${kind} to ${to} was refused by the ${refused.kind} guardrail` });
      if (agent.turn === turn) this.endTurn(agent, 'failed');
      return;
    }
    switch (action.name) {
      case 'ask': {
        const question = this.send(agent.name, action.agent, 'question', action.question, null, turn.span);
        this.endTurn(agent, 'waiting');
        await this.startWaiting(agent, { reason: 'answer', on: [question.to], questionId: question.id, question: action.question, since: this.now }, turn.span);
        return;
      }
      case 'answer': {
        const question = agent.openQuestions.shift()!;
        this.send(agent.name, question.from!, 'answer', action.content, question.id, turn.span);
        return this.endTurn(agent, 'idle');
      }
      case 'finish': {
        const caller = agent.caller!;
        this.send(agent.name, caller.from!, 'result', action.result, caller.id, turn.span);
        agent.caller = null;
        return this.endTurn(agent, 'finished');
      }
    }
  }

  /**
   * Cascade: something this agent depended on failed. By policy the run halts before anything is built
   * on it, or the agent returns its declared fallback marked tainted, or it goes on with what it has
   * and everything it sends from now on is marked tainted.
   */
  private async failed(agent: AgentRuntime, failure: Failure): Promise<void> {
    const turn = this.turnOf(agent);
    const root = { agent: agent.name, what: failure.what, seq: failure.seq, reason: failure.reason };
    const dependents = this.dependentsOf(agent.name);
    if (this.disabled('cascade')) {
      mergeMarks(agent.marks, [{ kind: 'tainted', agent: agent.name, seq: failure.seq, reason: `${failure.what} failed: ${failure.reason}` }]);
      if (failure.what === 'model call') this.endTurn(agent, 'failed');
      return;
    }
    const { policy } = this.o.profile.guardrails.cascade;
    const fallback = agent.config.fallback;
    const canFallBack = policy === 'fallback' && fallback !== undefined && (agent.definition === this.o.squad.task.entry || agent.caller?.from);
    const canTaint = policy === 'taint' && failure.what !== 'model call';
    if (!canFallBack && !canTaint) {
      const why = policy === 'fallback' ? ` and ${agent.name} declares no fallback` : policy === 'taint' ? ` and ${agent.name} cannot go on without its model` : '';
      await this.trip({
        kind: 'cascade',
        action: 'halt',
        agent: agent.name,
        message: `${agent.name}'s ${failure.what} failed (${failure.reason})${why}; halting before anything is built on it`,
        evidence: { root, dependents, policy },
      });
      return;
    }
    mergeMarks(agent.marks, [{ kind: 'tainted', agent: agent.name, seq: failure.seq, reason: `${failure.what} failed: ${failure.reason}` }]);
    await this.trip({
      kind: 'cascade',
      action: 'warn',
      agent: agent.name,
      message: canFallBack
        ? `${agent.name}'s ${failure.what} failed (${failure.reason}); it returns its fallback, marked tainted`
        : `${agent.name}'s ${failure.what} failed (${failure.reason}); it goes on, and what it sends is marked tainted`,
      evidence: { root, dependents, policy },
    });
    if (!canFallBack) return;
    turn.fallback = true;
    if (turn.pendingTools <= 1) await this.settleFallback(agent);
  }

  private async settleFallback(agent: AgentRuntime): Promise<void> {
    const fallback = agent.config.fallback ?? '';
    if (agent.definition === this.o.squad.task.entry) {
      this.endTurn(agent, 'finished');
      throw new RunEnd('completed', fallback, null, [...agent.marks]);
    }
    const turn = this.turnOf(agent);
    const caller = agent.caller!;
    this.send(agent.name, caller.from!, 'result', fallback, caller.id, turn.span);
    agent.caller = null;
    this.endTurn(agent, 'finished');
  }

  /** Who is left waiting for this agent's work: the chain of callers and the agents waiting on it. */
  private dependentsOf(name: string): string[] {
    const out: string[] = [];
    const visit = (agent: string): void => {
      const a = this.agents.get(agent);
      const next = [a?.caller?.from ?? null, ...[...this.waits].filter(([, w]) => w.on.includes(agent)).map(([who]) => who)];
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

  private endTurn(agent: AgentRuntime, outcome: 'idle' | 'waiting' | 'finished' | 'failed'): void {
    const turn = this.turnOf(agent);
    this.release(turn);
    this.emit({ type: 'agent.turn.completed', t: this.now, agent: agent.name, spanId: turn.span, parentSpanId: 'run', turn: turn.turn, acked: turn.consumed, outcome });
    agent.turn = null;
    agent.status = 'idle';
    if (outcome !== 'waiting') this.wake(agent);
  }

  // ── plumbing ──────────────────────────────────────────────────────────────────────────────────

  private disabled(name: (typeof this.o.profile.guardrails.disabled)[number]): boolean {
    return this.o.profile.guardrails.disabled.includes(name);
  }

  /**
   * Journals an event and lets the guardrails look at it. A trip raised there has nothing left to
   * block (the event happened), so `block-edge` counts as `warn`; `halt` ends the run at once, and
   * `pause` takes effect as soon as the current step is done.
   */
  private emit(draft: RunEventDraft): RunEvent {
    const event = this.journal.emit(draft);
    const fork = this.o.forkOf;
    if (fork && event.seq === fork.seq) {
      this.journal.emit({
        type: 'run.forked',
        t: this.now,
        agent: null,
        spanId: 'run',
        parentSpanId: null,
        parentRunId: fork.parentRunId,
        parentJournal: fork.parentJournal,
        atSeq: fork.seq,
        edited: fork.edited,
      });
    }
    for (const g of this.watchersOf(event.type)) {
      const trip = g.afterEvent!(event, this);
      if (!trip) continue;
      const action = trip.action === 'block-edge' ? 'warn' : trip.action;
      this.record({ ...trip, action });
      if (action === 'halt') throw new RunEnd('halted', null, `${trip.kind}: ${trip.message}`);
      if (action === 'pause') this.pendingPauses.push(trip);
    }
    return event;
  }

  private watchersOf(type: RunEvent['type']): Guardrail[] {
    let list = this.watchers.get(type);
    if (!list) {
      list = this.guardrails.filter((g) => g.afterEvent && (!g.watches || g.watches.includes(type)));
      this.watchers.set(type, list);
    }
    return list;
  }

  private async checkpoint(point: Checkpoint): Promise<void> {
    if (this.o.control) await this.o.control.checkpoint(point, this);
  }

  /** Runs one hook of every guardrail; returns the trip that refused the gated step, if one did. */
  private async gate(hook: (g: Guardrail) => Trip | null | undefined): Promise<Trip | null> {
    let blocking: Trip | null = null;
    for (const g of this.guardrails) {
      const trip = hook(g);
      if (trip && (await this.trip(trip)) === 'blocked') blocking ??= trip;
    }
    return blocking;
  }

  /**
   * Journals a trip and carries out its action. `halt` ends the run here (by throwing); `pause` waits
   * for the run control to resume it, or halts when nothing can; `block-edge` tells the gate to refuse.
   */
  private async trip(trip: Trip): Promise<'continue' | 'blocked'> {
    this.record(trip);
    switch (trip.action) {
      case 'warn':
        return 'continue';
      case 'block-edge':
        return 'blocked';
      case 'pause':
        await this.pauseFor(trip);
        return 'continue';
      case 'halt':
        throw new RunEnd('halted', null, `${trip.kind}: ${trip.message}`);
    }
  }

  private async pauseFor(trip: Trip): Promise<void> {
    if (!this.o.control?.pause) throw new RunEnd('halted', null, `${trip.kind}: ${trip.message} (paused, and nothing can resume this run)`);
    await this.o.control.pause(trip, this);
  }

  /** The trip's event. Written straight to the journal: guardrails do not judge each other's trips. */
  private record(trip: Trip): void {
    this.journal.emit({
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

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** JSON with sorted keys: the same arguments in another order are the same call. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
