/**
 * A token bucket on an explicit time line in milliseconds (the run's virtual clock, or a tenant's
 * wall clock), so it behaves the same under both and tests drive it without timers. `perMinute` is
 * the sustained rate, `capacity` the burst a spike may take at once. The engine's per-model rate
 * limits and the server's per-tenant limits share it.
 *
 * Reservation semantics (a queue, not a gate): a call that finds too few tokens takes them on credit
 * (the level goes negative) and is told how long to wait, which is its place in the queue, so calls
 * are served in arrival order. `reserve` never refuses; `tryReserve` refuses, taking nothing, when
 * the wait would pass a limit. A time that goes back is read as the latest time seen.
 */
export class TokenBucket {
  private level: number;
  private at = 0;

  constructor(
    readonly perMinute: number,
    readonly capacity: number = perMinute,
  ) {
    if (!(perMinute > 0) || !(capacity > 0)) throw new RangeError('a token bucket needs a positive rate and capacity');
    this.level = capacity;
  }

  /** Tokens available at `now` (negative while earlier reservations are still waiting). */
  available(now: number): number {
    return this.levelAt(now);
  }

  /** The wait (whole ms from `now`) before `amount` tokens are available, without taking them. */
  waitFor(amount: number, now: number): number {
    const level = this.levelAt(now);
    if (level >= amount) return 0;
    return Math.ceil(((amount - level) / this.perMinute) * 60_000);
  }

  /** The exact wait in ms before `amount` tokens are available, without taking them. */
  shortfallMs(amount: number, now: number): number {
    return Math.max(0, ((amount - this.levelAt(now)) / this.perMinute) * 60_000);
  }

  /** Takes `amount` tokens and returns the wait (whole ms) before they are available. */
  reserve(amount: number, now: number): number {
    const wait = this.waitFor(amount, now);
    this.level = this.levelAt(now) - amount;
    this.at = Math.max(this.at, now);
    return wait;
  }

  /** Takes `amount` tokens and returns the exact wait, or null (taking nothing) past `maxWaitMs`. */
  tryReserve(amount: number, now: number, maxWaitMs: number): number | null {
    const wait = this.shortfallMs(amount, now);
    if (wait > maxWaitMs) return null;
    this.level = this.levelAt(now) - amount;
    this.at = Math.max(this.at, now);
    return wait;
  }

  /** Takes (or with a negative `n`, gives back up to capacity) tokens without waiting: the correction once a cost is known. */
  adjust(n: number, now: number): void {
    this.level = Math.min(this.capacity, this.levelAt(now) - n);
    this.at = Math.max(this.at, now);
  }

  private levelAt(now: number): number {
    const elapsed = Math.max(0, now - this.at);
    return Math.min(this.capacity, this.level + (elapsed / 60_000) * this.perMinute);
  }
}
