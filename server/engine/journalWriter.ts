import type { JournalLimitReached, RunEvent } from '../../protocol/runEvent';

/**
 * Port: where the engine writes a run's journal. Implementations: `MemoryJournalWriter` (tests) and
 * the JSONL file journal (group commit + fsync). The engine assigns `seq`; a writer stores events in
 * the order given and never reorders, drops or rewrites one.
 */
export interface JournalWriter {
  /**
   * Buffers one event. Durable only after a later `flush()` resolves. Returns false when the
   * buffer is over its high-water mark: the caller should `await drain()` before appending more,
   * so a fast engine cannot grow memory without bound.
   */
  append(event: RunEvent): boolean;
  /** Resolves once the buffer is below its high-water mark again. */
  drain(): Promise<void>;
  /** Resolves once every event appended so far is durable (written and, for files, fsynced). */
  flush(): Promise<void>;
  /** Flushes, then releases the underlying resource. Appending after close throws. */
  close(): Promise<void>;
  /**
   * A size limit of the journal (JOURNAL_LIMITS) that an append reached and that was not reported
   * yet, taken: each limit is reported once. The engine asks after every append and journals the
   * answer as `journal.limit`. Optional: a writer that does not measure never reports one.
   */
  takeLimitReached?(): JournalLimitReached | null;
}
