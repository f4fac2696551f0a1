import { messageOf as reasonOf } from '../../protocol/messageOf';
import type { Usage } from '../../protocol/runEvent';
import { REPLICA_DEFAULTS } from '../../protocol/squad/agent';
import { mergeMarks, type AgentRuntime, type TurnState } from './agentRuntime';
import { isRecord, turnOf, type McpCall } from './agentActor';
import { ModelCallError, RecordedFatalError } from './modelCallError';
import type { ModelRequest, ModelResponse } from './modelProvider';
import { backoffDelay } from './policies/backoff';
import { failOver } from './replicaFailover';
import { costOf } from './resolvedModel';
import type { PromptFitting, Trip } from './guardrails/guardrail';
import type { MaybePromise } from './guardrailGate';
import type { RunContext } from './runContext';
import { runEnd } from './runEnd';
import type { Settled } from './scheduler';
import { countChat } from './tokenCounter';
import type { Work } from './work';

/**
 * The model-call pipeline, as small steps in order: the per-turn call cap (`beforePrompt`), fitting
 * the prompt to the window (`fitPrompt`), the gates before a call (budget, circuit), rate limits
 * (`admitModelCall`, possibly a wait in the queue), the model's concurrency limit, then the call
 * itself, started and not awaited: its answer comes back as a work item (`modelDone`,
 * `modelFailed`, `stuck`), is journaled, checked (`afterModelResponse`) and acted on.
 */
export class ModelCallPipeline {
  private nextCall = 0;
  /** Calls in flight per model, and the agents waiting for one of its slots, in order. */
  private readonly slots = new Map<string, { inFlight: number; waiting: string[] }>();

  constructor(private readonly run: RunContext) {}

  /** Everything that happens before a model call may start: limits, context window, gates. */
  async callModel(agent: AgentRuntime): Promise<void> {
    const { run } = this;
    const turn = turnOf(agent);
    const prompted = run.gate.gate((g) => g.beforePrompt?.({ agent: agent.name, turn: turn.turn, callsInTurn: turn.call }, run));
    if (prompted instanceof Promise) await prompted;
    if (run.ended) return;
    // Counted once: the window check, the budget reservation and the rate limit all use it.
    let fitted = this.fitWindow(agent, countChat(agent.context));
    if (fitted instanceof Promise) fitted = await fitted;
    const promptTokens = fitted + agent.toolTokens;
    if (run.ended) return;
    const { model } = agent;
    const reserveUsd = costOf({ inputTokens: promptTokens, cachedInputTokens: 0, outputTokens: model.maxOutputTokens }, model.price);
    const gate = { agent: agent.name, model, promptTokens, maxOutputTokens: model.maxOutputTokens, reserveUsd };
    let refused = run.gate.gate((g) => g.beforeModelCall?.(gate, run));
    if (refused instanceof Promise) refused = await refused;
    if (run.ended) return;
    if (refused) return run.actor.failed(agent, { what: 'model call', seq: run.emitter.lastSeq, reason: `refused by the ${refused.kind} guardrail` });
    let wait = this.admit(agent, promptTokens);
    if (wait instanceof Promise) wait = await wait;
    if (wait === null || run.ended) return;
    if (wait > 0) {
      run.scheduler.push(run.now + wait, { kind: 'model', agent: agent.name, throttled: true });
      return;
    }
    await this.startModelCall(agent);
  }

  /** Fits the context to the window as the truncation policy says; returns its token count after. Synchronous when it fits. */
  private fitWindow(agent: AgentRuntime, before: number): MaybePromise<number> {
    const fitting = this.run.gate.first((g) => g.fitPrompt?.({ agent: agent.name, model: agent.model, context: agent.context, contextTokens: before, toolTokens: agent.toolTokens }, this.run));
    return fitting ? this.fit(agent, before, fitting) : before;
  }

  private async fit(agent: AgentRuntime, before: number, fitting: PromptFitting): Promise<number> {
    const { run } = this;
    if (fitting.kind === 'refused') {
      await run.gate.trip(fitting.trip);
      return before;
    }
    const turn = turnOf(agent);
    agent.context = fitting.kept;
    const compacted = run.emit({
      type: 'context.compacted',
      t: run.now,
      agent: agent.name,
      spanId: `${turn.span}/compact-${turn.call + 1}`,
      parentSpanId: turn.span,
      policy: fitting.policy,
      contextWindow: agent.model.contextWindow,
      promptTokensBefore: before,
      promptTokensAfter: fitting.promptTokensAfter,
      droppedMessages: fitting.droppedMessages,
      droppedTokens: fitting.droppedTokens,
      summaryTokens: fitting.summaryTokens,
      usage: fitting.usage,
      costUsd: costOf(fitting.usage, agent.model.price),
      ...(fitting.cut.length > 0 ? { cutMessages: fitting.cut } : {}),
    });
    if (fitting.degraded) mergeMarks(agent.marks, [{ kind: 'degraded', agent: agent.name, seq: compacted.seq, reason: fitting.degraded }]);
    await run.gate.trip(fitting.warn(compacted.seq));
    return fitting.promptTokensAfter;
  }

  /** Rate limits: the wait before the call may start, or null when it is refused. Synchronous unless refused. */
  private admit(agent: AgentRuntime, promptTokens: number): MaybePromise<number | null> {
    const { run } = this;
    const admission = run.gate.first((g) => g.admitModelCall?.({ agent: agent.name, model: agent.model, promptTokens }, run));
    if (!admission) return 0;
    if (admission.kind === 'refused') return this.refuse(agent, admission.trip);
    if (admission.waitMs > 0) {
      const turn = turnOf(agent);
      run.emit({
        type: 'model.throttled',
        t: run.now,
        agent: agent.name,
        spanId: `${turn.span}/throttle-${turn.call + 1}`,
        parentSpanId: turn.span,
        model: agent.model.model,
        limit: admission.limit,
        waitMs: admission.waitMs,
      });
    }
    return admission.waitMs;
  }

  /** A call the rate limits refused: the trip, then a failure the cascade policy acts on. */
  private async refuse(agent: AgentRuntime, trip: Trip): Promise<null> {
    const { run } = this;
    await run.gate.trip(trip);
    if (run.ended) return null;
    await run.actor.failed(agent, { what: 'model call', seq: run.emitter.lastSeq, reason: 'rate limit' });
    return null;
  }

  /** Starts the call, unless its model has no free slot (then it starts when one frees). */
  async startModelCall(agent: AgentRuntime): Promise<void> {
    const { run } = this;
    const turn = turnOf(agent);
    const { model } = agent;
    const slot = this.slotOf(model.name);
    if (model.maxConcurrency && slot.inFlight >= model.maxConcurrency) {
      slot.waiting.push(agent.name);
      return;
    }
    const held = run.gate.checkpoint({ kind: 'model', agent: agent.name, turn: turn.turn, call: turn.call + 1 });
    if (held) await held;
    if (run.ended) return;
    turn.call += 1;
    const span = `${turn.span}/model-${turn.call}`;
    const promptTokens = countChat(agent.context) + agent.toolTokens;
    turn.reservedUsd = costOf({ inputTokens: promptTokens, cachedInputTokens: 0, outputTokens: model.maxOutputTokens }, model.price);
    run.reservedUsd += turn.reservedUsd;
    run.emit({
      runId: run.emitter.runId,
      seq: 0,
      type: 'model.request',
      t: run.now,
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
    if (run.ended) return;
    const request: ModelRequest = {
      agent: agent.name,
      ...(agent.definition !== agent.name ? { definition: agent.definition } : {}),
      turn: turn.turn,
      call: turn.call,
      model,
      messages: agent.context,
      tools: agent.tools,
      maxOutputTokens: model.maxOutputTokens,
      signal: run.callSignal,
    };
    run.joins.advance(agent.definition);
    const call = {};
    turn.inFlight = call;
    slot.inFlight += 1;
    let answer: Promise<ModelResponse>;
    try {
      answer = run.options.ports.model.complete(request);
    } catch (error) {
      answer = Promise.reject(error);
    }
    const replicated = run.roster.isReplicated(agent.definition);
    const stuckAfterMs = agent.config.stuckAfterMs ?? REPLICA_DEFAULTS.stuckAfterMs;
    // On the system clock a stuck instance is found by a timer: its answer has not come by then.
    if (replicated && !run.scheduler.virtual) run.scheduler.push(run.now + stuckAfterMs, { kind: 'stuck', agent: agent.name, call, afterMs: stuckAfterMs });
    run.scheduler.start(
      answer,
      (outcome: Settled<ModelResponse>, measured) => {
        if (!outcome.ok) {
          const latencyMs = measured ?? latencyOf(outcome.error);
          // A refusal with no latency is taken at once, before anything else due now: it happened
          // at the call's start.
          return { delayMs: latencyMs, item: { kind: 'modelFailed', agent: agent.name, call, error: outcome.error, latencyMs }, first: latencyMs === 0 };
        }
        const response = measured === null ? outcome.value : { ...outcome.value, latencyMs: measured };
        // An instance whose call would answer after its stuckAfterMs is stuck: at that moment its
        // work moves to a healthy sibling, and the late answer is never used.
        if (measured === null && replicated && response.latencyMs > stuckAfterMs && run.roster.healthySibling(agent, run.now)) {
          return { delayMs: stuckAfterMs, item: { kind: 'stuck', agent: agent.name, call, afterMs: stuckAfterMs } };
        }
        return { delayMs: response.latencyMs, item: { kind: 'modelDone', agent: agent.name, call, response } };
      },
      (outcome) => {
        // Cut off by the run's end: what it had used is billed all the same.
        if (!outcome.ok && outcome.error instanceof ModelCallError && outcome.error.usage) {
          run.emitter.afterEnd({
            type: 'model.failed',
            t: run.now,
            agent: agent.name,
            spanId: span,
            parentSpanId: turn.span,
            error: reasonOf(outcome.error),
            latencyMs: 0,
            attempt: turn.attempt,
            retryInMs: null,
            fatal: false,
            ...this.billed(agent, outcome.error),
          });
        }
      },
    );
  }

  /** Takes a model call's answer, failure or stuck timer off the queue. */
  async complete(work: Extract<Work, { kind: 'modelDone' | 'modelFailed' | 'stuck' }>): Promise<void> {
    const agent = this.run.roster.get(work.agent);
    if (agent.turn?.inFlight !== work.call) return; // abandoned (stuck) or answered already
    agent.turn.inFlight = null;
    if (work.kind !== 'stuck' || this.run.scheduler.virtual) this.freeSlot(agent);
    if (work.kind === 'modelDone') return this.modelDone(agent, work.response);
    if (work.kind === 'modelFailed') return this.modelFailed(agent, work.error, work.latencyMs);
    if (!this.run.scheduler.virtual) {
      if (!this.run.roster.healthySibling(agent, this.run.now)) {
        agent.turn.inFlight = work.call; // no one to take the work: keep waiting for the answer
        return;
      }
      this.freeSlot(agent);
    }
    return this.stuck(agent, work.afterMs);
  }

  private slotOf(model: string): { inFlight: number; waiting: string[] } {
    let slot = this.slots.get(model);
    if (!slot) this.slots.set(model, (slot = { inFlight: 0, waiting: [] }));
    return slot;
  }

  /** A call of the agent's model ended: the next agent waiting for a slot starts its call. */
  private freeSlot(agent: AgentRuntime): void {
    const slot = this.slotOf(agent.model.name);
    slot.inFlight -= 1;
    const next = slot.waiting.shift();
    if (next !== undefined) this.run.scheduler.push(this.run.now, { kind: 'model', agent: next, throttled: true });
  }

  /** An instance stuck in a model call: the call is abandoned and its work moves. */
  private async stuck(agent: AgentRuntime, afterMs: number): Promise<void> {
    const { run } = this;
    const turn = turnOf(agent);
    this.release(turn);
    const reason = `no answer within ${afterMs} ms: ${agent.name} is stuck`;
    const failed = run.emit({
      type: 'model.failed',
      t: run.now,
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
    if (run.ended) return;
    if (failOver(run, agent, 'stuck', reason)) return;
    await run.actor.failed(agent, { what: 'model call', seq: failed.seq, reason });
  }

  /** A failed model call: retried with backoff when transient, else a failure the cascade policy acts on. */
  private async modelFailed(agent: AgentRuntime, error: unknown, latencyMs: number): Promise<void> {
    const { run } = this;
    const turn = turnOf(agent);
    this.release(turn);
    const span = `${turn.span}/model-${turn.call}`;
    const message = reasonOf(error);
    const { retry } = run.profile.guardrails;
    const retryable = error instanceof ModelCallError && error.retryable && turn.attempt < retry.maxAttempts;
    // Counted from now, when the refusal arrived: a `retry-after` is honoured as the provider meant it.
    const retryInMs = retryable ? Math.max(backoffDelay(turn.attempt, retry.baseDelayMs, retry.maxDelayMs, run.options.ports.random), error.retryAfterMs ?? 0) : null;
    const failed = run.emit({
      type: 'model.failed',
      t: run.now,
      agent: agent.name,
      spanId: span,
      parentSpanId: turn.span,
      error: message,
      latencyMs,
      attempt: turn.attempt,
      retryInMs,
      fatal: !(error instanceof ModelCallError),
      ...(error instanceof ModelCallError ? this.billed(agent, error) : {}),
    });
    if (run.ended) return;
    if (retryInMs !== null) {
      turn.attempt += 1;
      run.scheduler.push(run.now + retryInMs, { kind: 'model', agent: agent.name, throttled: false });
      return;
    }
    if (!(error instanceof ModelCallError)) {
      // Not the provider's failure but ours (a script that ran out, a bug): the run fails.
      run.actor.endTurn(agent, 'failed');
      run.end(runEnd('failed', null, `${agent.name}: model call failed: ${message}`));
      return;
    }
    turn.attempt = 1;
    if (failOver(run, agent, 'crashed', `its model call failed for good: ${message}`)) return;
    await run.actor.failed(agent, { what: 'model call', seq: failed.seq, reason: message });
  }

  /** The usage and cost of a failed call that was billed for part of its work, for its model.failed. */
  private billed(agent: AgentRuntime, error: ModelCallError): { usage?: Usage; costUsd?: number } {
    return error.usage ? { usage: error.usage, costUsd: costOf(error.usage, agent.model.price) } : {};
  }

  release(turn: TurnState): void {
    this.run.reservedUsd = Math.max(0, this.run.reservedUsd - turn.reservedUsd);
    turn.reservedUsd = 0;
  }

  private async modelDone(agent: AgentRuntime, response: ModelResponse): Promise<void> {
    const { run } = this;
    const turn = turnOf(agent);
    this.release(turn);
    turn.attempt = 1;
    const span = `${turn.span}/model-${turn.call}`;
    const toolCalls = response.toolCalls.map((c) => ({ id: `c${++this.nextCall}`, name: c.name, args: argsRecord(c.args) }));
    const costUsd = costOf(response.usage, agent.model.price);
    const event = run.emit({
      runId: run.emitter.runId,
      seq: 0,
      type: 'model.response',
      t: run.now,
      agent: agent.name,
      spanId: span,
      parentSpanId: turn.span,
      text: response.text,
      toolCalls,
      usage: response.usage,
      costUsd,
      priced: agent.model.price !== null,
      latencyMs: response.latencyMs,
      ...(response.usageCheck ? { usageCheck: response.usageCheck } : {}),
      ...(response.finishReason ? { finishReason: response.finishReason } : {}),
    });
    const checked = run.gate.gate((g) => g.afterModelResponse?.({ agent: agent.name, model: agent.model, usage: response.usage, costUsd, seq: event.seq }, run));
    if (checked instanceof Promise) await checked;
    if (run.ended) return;
    agent.context.push({
      role: 'assistant',
      content: toolCalls.length === 0 ? response.text : `${response.text}\n${JSON.stringify(toolCalls)}`.trimStart(),
      ...(toolCalls.length === 0 ? {} : { reply: { text: response.text, toolCalls } }),
    });

    const mcpCalls: McpCall[] = [];
    let rejected = 0;
    for (const [i, call] of toolCalls.entries()) {
      const problem = await run.actor.actOn(agent, call.id, call.name, response.toolCalls[i]!.args, mcpCalls);
      if (run.ended) return;
      if (problem) {
        rejected += 1;
        agent.context.push({ role: 'tool', toolCallId: call.id, content: `error: ${problem}` });
      }
    }
    if (agent.turn !== turn) return; // a refused hand-off already ended the turn (cascade fallback)

    if (mcpCalls.length > 0) {
      turn.pendingTools = mcpCalls.length;
      for (const call of mcpCalls) {
        await run.tools.callTool(agent, call, turn.span);
        if (run.ended) return;
      }
      return;
    }
    if (turn.deferred) {
      await run.actor.settle(agent, turn.deferred);
      return;
    }
    // A model that only got errors back gets to correct itself in another call of the same turn.
    if (rejected > 0) return this.callModel(agent);
    run.actor.endTurn(agent, 'idle');
  }
}

/** When a failure came, if it says (a recorded or simulated one on the virtual clock): else at once. */
function latencyOf(error: unknown): number {
  if (error instanceof ModelCallError || error instanceof RecordedFatalError) return error.latencyMs ?? 0;
  return 0;
}

function argsRecord(args: unknown): Record<string, unknown> {
  return isRecord(args) ? args : { value: args };
}
