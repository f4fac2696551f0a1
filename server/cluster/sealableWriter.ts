import type { JournalLimitReached, RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';

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
 */
export class SealableWriter implements JournalWriter {
  private sealed: string | null = null;

  constructor(private readonly inner: JournalWriter) {}

  get isSealed(): boolean {
    return this.sealed !== null;
  }

  seal(why: string): void {
    this.sealed ??= why;
  }

  append(event: RunEvent): boolean {
    if (this.sealed !== null) throw new JournalSealedError(this.sealed);
    return this.inner.append(event);
  }

  drain(): Promise<void> {
    return this.inner.drain();
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  takeLimitReached(): JournalLimitReached | null {
    return this.inner.takeLimitReached?.() ?? null;
  }
}
