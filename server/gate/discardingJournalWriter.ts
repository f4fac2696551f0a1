import type { JournalWriter } from '../engine/journalWriter';

/**
 * A journal that keeps nothing, for forecast runs: thousands of seeded runs whose figures are folded
 * as they happen (`onEvent`). It still refuses appends after `close`, as every writer must, and it
 * measures nothing, so it never reports a journal limit.
 */
export class DiscardingJournalWriter implements JournalWriter {
  private closed = false;

  append(): boolean {
    if (this.closed) throw new Error('append after close');
    return true;
  }

  async drain(): Promise<void> {}

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }
}
