import type { JournalLimitReached, RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import { JournalError } from '../store/journalError';

/** Thrown by a sealed writer's `append`: the run is being stopped here and goes on elsewhere. */
export class JournalSealedError extends Error {
  constructor(readonly why: string) {
    super(`journal sealed: ${why}`);
    this.name = 'JournalSealedError';
  }
}

/**
 * A journal writer a worker can seal when it must stop a run without ending it: the worker is
 * stopping, or its lease moved to another worker. After `seal`, nothing more reaches the journal
 * (`append` throws, so the engine stops at once, and the `run.completed: cancelled` an abort would
 * write is never written); what was appended before is flushed. The journal then ends where the next
 * holder resumes it.
 *
 * A writer whose store failed (a commit timed out over a cut network, or was refused because the
 * lease is gone: code `EFENCED`) seals itself: that is no fault of the run's, which stops here the
 * same way, from what is durable, rather than ending as failed.
 */
export class SealableWriter implements JournalWriter {
  private sealed: string | null = null;
  private storeFailure: JournalError | null = null;

  constructor(private readonly inner: JournalWriter) {}

  get isSealed(): boolean {
    return this.sealed !== null;
  }

  /** True once the store refused a batch because the lease it was written under is gone. */
  get isFenced(): boolean {
    return this.storeFailure?.code === 'EFENCED';
  }

  seal(why: string): void {
    this.sealed ??= why;
  }

  append(event: RunEvent): boolean {
    if (this.sealed !== null) throw new JournalSealedError(this.sealed);
    try {
      return this.inner.append(event);
    } catch (error) {
      throw this.failed(error);
    }
  }

  drain(): Promise<void> {
    return this.inner.drain().catch((error: unknown) => Promise.reject(this.failed(error)));
  }

  flush(): Promise<void> {
    return this.inner.flush().catch((error: unknown) => Promise.reject(this.failed(error)));
  }

  close(): Promise<void> {
    return this.inner.close().catch((error: unknown) => Promise.reject(this.failed(error)));
  }

  takeLimitReached(): JournalLimitReached | null {
    return this.inner.takeLimitReached?.() ?? null;
  }

  /** Seals on a store failure (a `JournalError` from the writer below); returns the error to rethrow. */
  private failed(error: unknown): unknown {
    if (error instanceof JournalError) {
      this.storeFailure ??= error;
      this.seal(`the journal store failed: ${error.message}`);
    }
    return error;
  }
}
