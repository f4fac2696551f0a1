import type { RunEvent, RunEventOf } from '../../protocol/runEvent';
import { ModelCallError } from '../engine/modelCallError';
import type { ModelResponse } from '../engine/modelProvider';
import type { ToolCallOutcome, ToolIncident } from '../engine/toolHost';

/** What one recorded model call came to: the answer, or how it failed. */
export type RecordedModelCall = { kind: 'response'; response: ModelResponse } | { kind: 'failed'; error: Error };

/**
 * The answers a journal recorded from the world: each model call's response or failure, in order per
 * agent (an agent's calls are sequential, so that order is exact), and each tool call's outcome by its
 * call id (deterministic: `c1`, `c2`, …). Replay, resume and fork serve these instead of calling.
 *
 * Only answers whose result is within the first `upToSeq` events are kept, so a fork at seq k uses
 * exactly what its parent had received by then.
 */
export class Recording {
  private readonly models = new Map<string, RecordedModelCall[]>();
  private readonly tools = new Map<string, ToolCallOutcome>();

  private constructor() {}

  static of(events: readonly RunEvent[], upToSeq = Number.POSITIVE_INFINITY): Recording {
    const r = new Recording();
    for (const [i, e] of events.entries()) {
      if (e.seq > upToSeq) break;
      if (e.type === 'model.response' && e.agent) {
        r.push(e.agent, {
          kind: 'response',
          response: {
            text: e.text,
            toolCalls: e.toolCalls.map((c) => ({ name: c.name, args: c.args })),
            usage: e.usage,
            latencyMs: e.latencyMs,
            // A real provider's usage check is part of its answer: a resumed run must journal it again.
            ...(e.usageCheck ? { usageCheck: e.usageCheck } : {}),
            ...(e.finishReason ? { finishReason: e.finishReason } : {}),
          },
        });
      } else if (e.type === 'model.failed' && e.agent && e.stuck) {
        // An abandoned call: an answer slower than the instance's stuckAfterMs (= the latency the
        // engine journaled) makes the engine abandon it again, at the same moment.
        r.push(e.agent, { kind: 'response', response: { text: '', toolCalls: [], usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 }, latencyMs: e.latencyMs + 1 } });
      } else if (e.type === 'model.failed' && e.agent) {
        // The engine retries a retryable failure after max(backoff, retry-after): giving the recorded
        // delay as the provider's hint reproduces the decision and the delay exactly.
        const error = e.fatal ? new Error(e.error) : new ModelCallError(e.error, e.retryInMs !== null, e.retryInMs);
        r.push(e.agent, { kind: 'failed', error });
      } else if (e.type === 'tool.result') {
        r.tools.set(e.callId, {
          ok: e.ok,
          content: e.content,
          latencyMs: e.latencyMs,
          ...(e.replica !== undefined ? { replica: e.replica } : {}),
          ...(e.attempts !== undefined ? { attempts: e.attempts } : {}),
          ...(e.error !== undefined ? { error: e.error } : {}),
          incidents: incidentsBefore(events, i),
        });
      }
    }
    return r;
  }

  /** The next recorded call of `agent`, taken; undefined once the recording has no more. */
  takeModelCall(agent: string): RecordedModelCall | undefined {
    return this.models.get(agent)?.shift();
  }

  /** The recorded outcome of tool call `callId` (the engine's `c<n>`). */
  toolCall(callId: string): ToolCallOutcome | undefined {
    return this.tools.get(callId);
  }

  private push(agent: string, call: RecordedModelCall): void {
    const list = this.models.get(agent);
    if (list) list.push(call);
    else this.models.set(agent, [call]);
  }
}

/** The pool incidents the engine journals right before a tool result, in order. */
function incidentsBefore(events: readonly RunEvent[], resultIndex: number): ToolIncident[] {
  const out: ToolIncident[] = [];
  for (let j = resultIndex - 1; j >= 0; j--) {
    const e = events[j]!;
    if (e.type === 'tool.failover') out.unshift(failover(e));
    else if (e.type === 'tool.replica.down') out.unshift({ kind: 'replica.down', atMs: e.atMs, server: e.server, replica: e.replica, reason: e.reason, restartAtMs: e.restartAtMs });
    else if (e.type === 'tool.replica.up') out.unshift({ kind: 'replica.up', atMs: e.atMs, server: e.server, replica: e.replica, restarts: e.restarts });
    else break;
  }
  return out;
}

function failover(e: RunEventOf<'tool.failover'>): ToolIncident {
  return { kind: 'failover', atMs: e.atMs, server: e.server, from: e.from, to: e.to, reason: e.reason, attempt: e.attempt };
}
