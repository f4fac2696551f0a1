import type { JournalError } from './journalError';

interface FlushWaiter {
  /** Resolved once the writer's durable mark reaches this. */
  target: number;
  resolve(): void;
  reject(error: unknown): void;
}

interface DrainWaiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The waiting side of group commit, shared by the journal writers (file, batching): `flush` callers
 * wait for a durable mark (bytes or events, whatever the writer counts), `drain` callers for the
 * pending bytes to fall to the high-water mark. The writer calls `settle` after each commit and
 * `fail` once when a commit fails, which rejects every waiter with the writer's fatal error.
 * Contract: flush targets are added in non-decreasing order (a writer's appended mark only grows),
 * so they settle front to back.
 */
export class CommitWaiters {
  private flushWaiters: FlushWaiter[] = [];
  private drainWaiters: DrainWaiter[] = [];

  /**
   * `flush`: resolves at once when `durable >= target`, else once a commit reaches `target`; `start`
   * is called after the waiter is registered (the writer kicks its commit loop there).
   */
  flush(target: number, durable: number, start: () => void): Promise<void> {
    if (durable >= target) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.flushWaiters.push({ target, resolve, reject });
      start();
    });
  }

  /** `drain`: resolves at once unless `over`, else once a `settle` says the writer is under its mark. */
  drain(over: boolean, start: () => void): Promise<void> {
    if (!over) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.drainWaiters.push({ resolve, reject });
      start();
    });
  }

  /** After a commit: resolves the flushes `durable` covers, and the drains once `under` the mark. */
  settle(durable: number, under: boolean): void {
    let done = 0;
    while (done < this.flushWaiters.length && (this.flushWaiters[done]?.target ?? Infinity) <= durable) {
      this.flushWaiters[done]?.resolve();
      done++;
    }
    if (done > 0) this.flushWaiters = this.flushWaiters.slice(done);
    if (this.drainWaiters.length > 0 && under) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
  }

  /** Rejects every waiter with the writer's failure (and forgets them). */
  fail(failure: JournalError): void {
    const waiters = [...this.flushWaiters, ...this.drainWaiters];
    this.flushWaiters = [];
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.reject(failure);
  }
}
