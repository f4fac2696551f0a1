import type { JournalLimitReached, RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';

/** A writer that reports its group commits (FileJournalWriter; a store's writer may too). */
interface CommitReporting {
  onCommit(listener: (seconds: number) => void): () => void;
}

function reportsCommits(writer: JournalWriter): writer is JournalWriter & CommitReporting {
  return 'onCommit' in writer && typeof writer.onCommit === 'function';
}

/**
 * A journal writer that reports how long appends wait to become durable. A writer that reports its
 * group commits is asked (each commit: from its oldest append to fsync, the latency a live reader and
 * a crash see); for any other, each `flush`/`close` that made events durable is timed from the oldest
 * of them. Everything else passes through untouched (`takeLimitReached` included, so the engine's
 * journal limits are unchanged).
 */
export class MeteredJournalWriter implements JournalWriter {
  private pendingSince: number | null = null;
  private readonly unsubscribe: (() => void) | null;

  constructor(
    private readonly inner: JournalWriter,
    private readonly report: (seconds: number) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.unsubscribe = reportsCommits(inner) ? inner.onCommit(report) : null;
  }

  append(event: RunEvent): boolean {
    if (!this.unsubscribe) this.pendingSince ??= this.now();
    return this.inner.append(event);
  }

  drain(): Promise<void> {
    return this.inner.drain();
  }

  flush(): Promise<void> {
    return this.timed(this.inner.flush());
  }

  async close(): Promise<void> {
    try {
      await this.timed(this.inner.close());
    } finally {
      this.unsubscribe?.();
    }
  }

  takeLimitReached(): JournalLimitReached | null {
    return this.inner.takeLimitReached?.() ?? null;
  }

  private async timed(durable: Promise<void>): Promise<void> {
    const since = this.pendingSince;
    this.pendingSince = null;
    await durable;
    if (since !== null) this.report((this.now() - since) / 1000);
  }
}
