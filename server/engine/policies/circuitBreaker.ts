/**
 * A circuit breaker on the run's clock (in the style of cockatiel's ConsecutiveBreaker, which we do not
 * use because it reads Date.now). Closed: calls pass and consecutive failures are counted. Open after
 * `failureThreshold` of them: calls are refused until `cooldownMs` has passed. Half-open: one trial
 * call passes; its success closes the circuit, its failure opens it again.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    readonly failureThreshold: number,
    readonly cooldownMs: number,
  ) {}

  state(now: number): CircuitState {
    if (this.openedAt === null) return 'closed';
    return now - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** True if a call may start now. In half-open state only one trial call is let through. */
  allow(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** When the circuit will let a trial call through, if it is open. */
  retryAt(): number | null {
    return this.openedAt === null ? null : this.openedAt + this.cooldownMs;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  /** Records a failure; returns true when this failure opened the circuit. */
  failure(now: number): boolean {
    this.failures += 1;
    const wasTrial = this.trialInFlight;
    this.trialInFlight = false;
    if (wasTrial || (this.openedAt === null && this.failures >= this.failureThreshold)) {
      this.openedAt = now;
      return true;
    }
    return false;
  }
}
