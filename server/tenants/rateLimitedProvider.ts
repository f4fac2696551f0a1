import type { ModelProvider, ModelRequest, ModelResponse } from '../engine/modelProvider';
import { countChat } from '../engine/tokenCounter';
import { RateLimitRefusedError, type TenantLimiter } from './tenantLimiter';

export interface RateLimitHooks {
  /** A call queued for `waitMs` before it could start. */
  onWait?(waitMs: number): void;
  /** A call was refused. */
  onRefused?(error: RateLimitRefusedError): void;
}

/**
 * Decorates a run's model provider with its tenant's rate limits, without touching the engine.
 *
 * The queueing delay is added to the response's `latencyMs` instead of being slept: under the virtual
 * clock that is exactly when the engine would see the answer, and the wall clock never waits. A call
 * the limits refuse throws `RateLimitRefusedError` before the inner provider is asked, so the engine
 * journals a `model.failed` with the reason and the call costs nothing.
 *
 * `timeAt` places the call on the tenant's time line (see `TenantRegistry.timeline`).
 */
export class RateLimitedProvider implements ModelProvider {
  constructor(
    private readonly inner: ModelProvider,
    private readonly limiter: TenantLimiter,
    private readonly timeAt: () => number,
    private readonly hooks: RateLimitHooks = {},
  ) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const estimate = countChat(request.messages);
    let wait: number;
    try {
      wait = this.limiter.admit(estimate, this.timeAt());
    } catch (error) {
      if (error instanceof RateLimitRefusedError) this.hooks.onRefused?.(error);
      throw error;
    }
    if (wait > 0) this.hooks.onWait?.(wait);
    const response = await this.inner.complete(request);
    this.limiter.settle(estimate, response.usage.inputTokens + response.usage.outputTokens, this.timeAt());
    return wait > 0 ? { ...response, latencyMs: response.latencyMs + Math.ceil(wait) } : response;
  }
}
