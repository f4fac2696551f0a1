/** The tenant's queue is full: the run is refused (HTTP 429). */
export class BulkheadFullError extends Error {
  constructor(
    readonly running: number,
    readonly queued: number,
  ) {
    super(`${running} runs in flight and ${queued} queued, the most this tenant allows`);
    this.name = 'BulkheadFullError';
  }
}

/**
 * A concurrency bulkhead: at most `maxConcurrent` holders at once, then a FIFO queue of at most
 * `maxQueued`, then refusal. One per tenant, so a tenant that floods fills its own queue only.
 */
export class Bulkhead {
  private active = 0;
  private readonly waiting: { grant: (release: () => void) => void; fail: (reason: unknown) => void }[] = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves with a release function once a slot is free: call it exactly once when done (more
   * calls are ignored). Throws `BulkheadFullError` at once when the queue is full; rejects with the
   * signal's reason when aborted while queued (it then holds no slot).
   */
  enter(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.active < this.maxConcurrent && this.waiting.length === 0) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueued) throw new BulkheadFullError(this.active, this.waiting.length);
    return new Promise((resolve, reject) => {
      const entry = {
        grant: (release: () => void) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant(this.releaser());
      else this.active -= 1;
    };
  }
}
