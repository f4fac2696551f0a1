/**
 * Port: the run's clock. The engine decides *when* things happen (a queue ordered by time); the clock
 * only decides how long the engine must wait to get there. `VirtualClock` never waits, so a run under
 * the production latency profile finishes in milliseconds of wall time; `SystemClock` sleeps for
 * real, for runs against real providers where the delays are real.
 */
export interface Clock {
  /**
   * `virtual`: time moves only when the engine says so, and a call's answer is due at its start plus
   * the latency it reports. `system`: the wall clock; answers arrive when they arrive.
   */
  readonly kind: 'virtual' | 'system';
  /** Milliseconds since the run started. */
  now(): number;
  /**
   * Resolves when the clock reads at least `t`. Rejects with the signal's reason on abort. A
   * `virtual` clock moves at once and throws (not rejects) on abort: the scheduler does not await it.
   */
  advanceTo(t: number, signal: AbortSignal): Promise<void>;
}

export class VirtualClock implements Clock {
  readonly kind = 'virtual';
  private current = 0;

  now(): number {
    return this.current;
  }

  advanceTo(t: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (t > this.current) this.current = t;
    return Promise.resolve();
  }
}

export class SystemClock implements Clock {
  readonly kind = 'system';
  private readonly start = performance.now();

  now(): number {
    return performance.now() - this.start;
  }

  advanceTo(t: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const wait = t - this.now();
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
