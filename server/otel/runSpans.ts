import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import type { RunEvent } from '../../protocol/runEvent';

/**
 * Turns one run's journal events into OpenTelemetry spans with the GenAI semantic conventions, as
 * the events arrive: a root span for the run, `invoke_agent` per agent turn, `chat` per model call,
 * `execute_tool` per tool call, and a span per message between agents (handoff, question, answer,
 * result) from sent to delivered. Guardrail trips are span events (and an error status where they
 * halt). Span times are the run's start on the wall clock plus the event's virtual time, so a
 * simulated run shows its production-like timeline in Jaeger, Langfuse or Phoenix.
 *
 * Message contents and tool arguments are never exported (GenAI content capture is opt-in, and
 * they may hold what must not leave the machine).
 */
export class RunSpans {
  private readonly open = new Map<string, Span>();
  private readonly messageSpan = new Map<string, string>();
  private root: Span | null = null;
  private lastT = 0;

  constructor(
    private readonly tracer: Tracer,
    private readonly startEpochMs: number,
    private readonly run: { id: string; tenant: string; squad: string },
  ) {}

  event(e: RunEvent): void {
    this.lastT = Math.max(this.lastT, e.t);
    switch (e.type) {
      case 'run.started':
        this.root = this.tracer.startSpan(
          `squad.run ${e.squad.name}`,
          {
            kind: SpanKind.INTERNAL,
            startTime: this.at(e.t),
            attributes: {
              'squad.run.id': this.run.id,
              'squad.run.execution_id': e.runId,
              'squad.name': e.squad.name,
              'squad.tenant': e.tenant,
              'squad.profile': e.profile,
              'squad.seed': e.seed,
              'squad.entry': e.entry,
              'gen_ai.conversation.id': this.run.id,
            },
          },
          ROOT_CONTEXT,
        );
        this.open.set(e.spanId, this.root);
        return;
      case 'agent.turn.started':
        this.start(e, `invoke_agent ${e.agent}`, {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': e.agent ?? '',
          'gen_ai.conversation.id': this.run.id,
          'squad.turn': e.turn,
          'squad.messages_consumed': e.consumed.length,
        });
        return;
      case 'agent.turn.completed':
        this.end(e.spanId, e.t, { 'squad.turn.outcome': e.outcome }, e.outcome === 'failed' ? 'the turn failed' : null);
        return;
      case 'model.request':
        this.end(e.spanId, e.t, {}, null); // a retry reuses the span id: the earlier attempt ended
        this.start(
          e,
          `chat ${e.model}`,
          {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': e.provider,
            'gen_ai.system': e.provider,
            'gen_ai.request.model': e.model,
            'gen_ai.agent.name': e.agent ?? '',
            'squad.request.messages': e.messages,
            'squad.request.input_tokens_estimate': e.inputTokensEstimate,
            'squad.request.context_window': e.contextWindow,
          },
          SpanKind.CLIENT,
        );
        return;
      case 'model.response':
        this.end(
          e.spanId,
          e.t,
          {
            'gen_ai.usage.input_tokens': e.usage.inputTokens,
            'gen_ai.usage.output_tokens': e.usage.outputTokens,
            'gen_ai.usage.cache_read.input_tokens': e.usage.cachedInputTokens,
            'squad.cost_usd': e.costUsd,
            'squad.tool_calls': e.toolCalls.length,
            'squad.latency_ms': e.latencyMs,
          },
          null,
        );
        return;
      case 'model.failed':
        this.end(e.spanId, e.t, { 'error.type': 'model_call_failed' }, e.error);
        return;
      case 'tool.call':
        this.start(
          e,
          `execute_tool ${e.tool}`,
          { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': e.tool, 'gen_ai.tool.call.id': e.callId, 'gen_ai.tool.type': 'function', 'gen_ai.agent.name': e.agent ?? '' },
          SpanKind.CLIENT,
        );
        return;
      case 'tool.result':
        this.end(e.spanId, e.t, { 'squad.tool.bytes': e.bytes, 'squad.latency_ms': e.latencyMs, ...(e.ok ? {} : { 'error.type': 'tool_error' }) }, e.ok ? null : 'the tool returned an error');
        return;
      case 'message.sent':
        if (e.from === null) return; // the task itself: the run span covers it
        this.start(e, `${e.kind} ${e.from} → ${e.to}`, {
          'gen_ai.agent.name': e.from,
          'squad.message.kind': e.kind,
          'squad.message.from': e.from,
          'squad.message.to': e.to,
          'squad.message.tokens': e.tokens,
        });
        this.messageSpan.set(e.messageId, e.spanId);
        return;
      case 'message.delivered': {
        const span = this.messageSpan.get(e.messageId);
        if (span !== undefined) {
          this.messageSpan.delete(e.messageId);
          this.end(span, e.t, {}, null);
        }
        return;
      }
      case 'guardrail.tripped': {
        const target = (e.parentSpanId !== null ? this.open.get(e.parentSpanId) : undefined) ?? this.root;
        target?.addEvent(
          'squad.guardrail.tripped',
          { 'squad.guardrail.kind': e.kind, 'squad.guardrail.action': e.action, 'squad.guardrail.message': e.message, 'gen_ai.agent.name': e.agent ?? '' },
          this.at(e.t),
        );
        return;
      }
      case 'run.completed':
        this.finish(e.t, e.status, e.reason);
        return;
      default:
        return;
    }
  }

  /** Ends whatever is still open (a run that stopped without run.completed). */
  finish(t = this.lastT, status = 'interrupted', reason: string | null = null): void {
    for (const [id, span] of this.open) {
      if (span === this.root) continue;
      span.end(this.at(t));
      this.open.delete(id);
    }
    if (this.root) {
      this.root.setAttribute('squad.run.status', status);
      if (status !== 'completed') this.root.setStatus({ code: SpanStatusCode.ERROR, message: reason ?? status });
      this.root.end(this.at(t));
      this.root = null;
    }
    this.open.clear();
  }

  private start(e: RunEvent, name: string, attributes: Attributes, kind: SpanKind = SpanKind.INTERNAL): void {
    const parent = (e.parentSpanId !== null ? this.open.get(e.parentSpanId) : undefined) ?? this.root;
    const context = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    this.open.set(e.spanId, this.tracer.startSpan(name, { kind, startTime: this.at(e.t), attributes }, context));
  }

  private end(spanId: string, t: number, attributes: Attributes, error: string | null): void {
    const span = this.open.get(spanId);
    if (!span || span === this.root) return;
    this.open.delete(spanId);
    span.setAttributes(attributes);
    if (error !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    span.end(this.at(t));
  }

  private at(t: number): number {
    return this.startEpochMs + t;
  }
}
