/**
 * A token bucket on the run's clock: `capacity` is the burst a spike may take at once, `perMinute` the
 * sustained rate. `reserve` never refuses: it takes the tokens (going into debt if it must) and says
 * how long the caller has to wait before its call may start, so calls queue in arrival order.
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

  /** The wait (ms from `now`) before `amount` tokens are available, without taking them. */
  waitFor(amount: number, now: number): number {
    const level = this.levelAt(now);
    if (level >= amount) return 0;
    return Math.ceil(((amount - level) / this.perMinute) * 60_000);
  }

  /** Takes `amount` tokens and returns the wait before they are available. */
  reserve(amount: number, now: number): number {
    const wait = this.waitFor(amount, now);
    this.level = this.levelAt(now) - amount;
    this.at = Math.max(this.at, now);
    return wait;
  }

  private levelAt(now: number): number {
    const elapsed = Math.max(0, now - this.at);
    return Math.min(this.capacity, this.level + (elapsed / 60_000) * this.perMinute);
  }
}
