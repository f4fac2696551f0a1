import type { ModelProvider, ModelRequest, ModelResponse } from '../engine/modelProvider';
import { countChat } from '../engine/tokenCounter';
import { RateLimitRefusedError } from './tenantLimiter';

/**
 * What the provider asks of a tenant's limits: `TenantLimiter` itself on the thread that holds it, or
 * a run thread's port to it (whose `admit` answers later, and rejects with `RateLimitRefusedError`).
 */
export interface RateLimiterPort {
  admit(estimatedTokens: number, now: number): number | Promise<number>;
  settle(estimatedTokens: number, usedTokens: number, now: number): void;
}

export interface RateLimitHooks {
  /** A call queued for `waitMs` before it could start. */
  onWait?(waitMs: number): void;
  /** A call was refused. */
  onRefused?(error: RateLimitRefusedError): void;
}

/**
 * Decorates a run's model provider with its tenant's rate limits, without touching the engine.
 *
 * The rule that keeps runs reproducible: **a tenant's shared limiter never changes a run's time
 * line.** Its wait is not added to the response's `latencyMs` (it used to be, and then two identical
 * runs of one tenant gave different journals depending on what else the tenant was running): under
 * the virtual clock a wait is counted (the run's and the tenant's `rateLimit` figures) and the run
 * goes on as it would alone; on the system clock (real models) the call really waits before it is
 * made, and the provider's own latency measurement does not include the wait. A call the limits
 * refuse throws `RateLimitRefusedError` before the inner provider is asked, so the engine journals a
 * `model.failed` with the reason: the one rate-limit decision that is part of the run, and a replay
 * or a resume reads it from the journal (recorded answers), never from the limiter.
 *
 * `timeAt` places the call on the tenant's time line (see `TenantRegistry.timeline`).
 */
export class RateLimitedProvider implements ModelProvider {
  constructor(
    private readonly inner: ModelProvider,
    private readonly limiter: RateLimiterPort,
    private readonly timeAt: () => number,
    private readonly hooks: RateLimitHooks = {},
    /** Sleeps a wait for real (runs on the system clock); absent: waits are counted, not slept. */
    private readonly sleep: ((ms: number, signal: AbortSignal) => Promise<void>) | null = null,
  ) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const estimate = countChat(request.messages);
    let wait: number;
    try {
      const admitted = this.limiter.admit(estimate, this.timeAt());
      // A number is the limiter's own answer: no await, so a run on the limiter's thread takes no extra microtask.
      wait = typeof admitted === 'number' ? admitted : await admitted;
    } catch (error) {
      if (error instanceof RateLimitRefusedError) this.hooks.onRefused?.(error);
      throw error;
    }
    if (wait > 0) {
      this.hooks.onWait?.(wait);
      if (this.sleep) await this.sleep(wait, request.signal);
    }
    const response = await this.inner.complete(request);
    this.limiter.settle(estimate, response.usage.inputTokens + response.usage.outputTokens, this.timeAt());
    return response;
  }
}
