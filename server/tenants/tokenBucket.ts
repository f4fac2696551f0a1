/**
 * A token bucket on an explicit time line (milliseconds), so it works the same under a virtual clock
 * and a real one, and tests drive it without timers.
 *
 * Reservation semantics (like a leaky-bucket queue): a request that finds too few tokens is not
 * refused at once; it takes its tokens on credit (the level goes negative) and is told how long it
 * must wait for the bucket to refill to zero, which is its place in the queue. Only a request whose
 * wait would exceed `maxWaitMs` is refused, and a refused request takes nothing.
 */
export class TokenBucket {
  private level: number;
  private at: number;

  constructor(
    /** The burst size: the most tokens the bucket holds. */
    readonly capacity: number,
    /** Tokens added per millisecond. */
    readonly refillPerMs: number,
    start = 0,
  ) {
    if (!(capacity > 0) || !(refillPerMs > 0)) throw new RangeError('a token bucket needs a positive capacity and refill rate');
    this.level = capacity;
    this.at = start;
  }

  /** Tokens available at `now` (negative while earlier reservations are still waiting). */
  available(now: number): number {
    this.refill(now);
    return this.level;
  }

  /**
   * Takes `n` tokens at `now`; returns the milliseconds the caller must wait before they are its, or
   * null (taking nothing) when that wait would exceed `maxWaitMs`. Times that go back are read as
   * the latest time seen: the bucket's time line only moves forward.
   */
  reserve(n: number, now: number, maxWaitMs: number): number | null {
    this.refill(now);
    const after = this.level - n;
    const wait = after >= 0 ? 0 : -after / this.refillPerMs;
    if (wait > maxWaitMs) return null;
    this.level = after;
    return wait;
  }

  /** Takes (or with a negative `n`, returns) tokens without waiting: the correction once a cost is known. */
  adjust(n: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.capacity, this.level - n);
  }

  private refill(now: number): void {
    if (now > this.at) {
      this.level = Math.min(this.capacity, this.level + (now - this.at) * this.refillPerMs);
      this.at = now;
    }
  }
}
