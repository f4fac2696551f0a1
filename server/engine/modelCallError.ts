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
    /**
     * How long after the request the refusal came, when the provider knows it and the clock is
     * virtual (a recorded failure replayed, a simulated one). On the system clock the engine measures
     * it itself. The failure is taken, and a retry counted, from then.
     */
    readonly latencyMs: number | null = null,
  ) {
    super(message);
    this.name = 'ModelCallError';
  }
}

/**
 * A fatal failure (not the provider's: a script that ran out, a bug) as a journal recorded it, for a
 * replay to take it at the moment it came: `latencyMs` after the call started.
 */
export class RecordedFatalError extends Error {
  constructor(
    message: string,
    readonly latencyMs: number,
  ) {
    super(message);
    this.name = 'RecordedFatalError';
  }
}
