import type { Usage } from '../../protocol/runEvent';

/**
 * A model call that failed on the provider's side. `retryable` failures (429, 5xx, connection resets,
 * timeouts) go through backoff and the model's circuit breaker; others fail the call at once. Either
 * way, a call that finally fails is a failure the cascade guardrail acts on. Any other error thrown
 * by a provider is a bug, and fails the run.
 */
export class ModelCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The provider's own hint (a `retry-after` header), in ms. */
    readonly retryAfterMs: number | null = null,
    /** What the failed call was billed before it stopped (a stream cut off midway), when anything. */
    readonly usage: Usage | null = null,
  ) {
    super(message);
    this.name = 'ModelCallError';
  }
}
