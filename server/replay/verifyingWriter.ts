import type { JournalLimitReached, RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import { JournalMeter } from '../store/journalMeter';
import { compareEvents, DivergenceError, type Divergence } from './divergence';

/**
 * A journal writer that checks a re-run against a recorded journal: events up to the recording's
 * length must equal it (they are not written again), events after it go to `next` (resume appends to
 * the same file, fork to its own). On the first difference it throws `DivergenceError` when `strict`
 * (replay, resume: the re-run cannot be trusted past it), or notes it and goes on (a fork with an
 * edited squad file is expected to part ways).
 *
 * It measures every event of the re-run from seq 1, recorded prefix included, so the re-run reaches
 * the journal's limits (`journal.limit`) exactly where the recorded run did; `next` only sees the
 * continuation and its own measure is not asked.
 */
export class VerifyingWriter implements JournalWriter {
  private first: Divergence | null = null;
  private last = 0;
  private readonly meter = new JournalMeter();

  constructor(
    private readonly recorded: readonly RunEvent[],
    private readonly next: JournalWriter | null,
    private readonly options: { strict: boolean; ignoreRunId: boolean; ignoreSquadSource?: boolean; verifyUpTo?: number },
  ) {}

  get divergence(): Divergence | null {
    return this.first;
  }

  /** Events the re-run produced so far. */
  get count(): number {
    return this.last;
  }

  append(event: RunEvent): boolean {
    this.last = event.seq;
    this.meter.add(Buffer.byteLength(JSON.stringify(event)) + 1);
    const limit = this.options.verifyUpTo ?? this.recorded.length;
    const expected = event.seq <= limit ? this.recorded[event.seq - 1] : undefined;
    if (expected && !this.first) {
      const fields = compareEvents(expected, event, this.options);
      if (fields.length > 0) {
        this.first = { seq: event.seq, expected, actual: event, fields };
        if (this.options.strict) throw new DivergenceError(this.first);
      }
    }
    const passOn = this.options.verifyUpTo !== undefined || event.seq > this.recorded.length;
    return passOn && this.next ? this.next.append(event) : true;
  }

  /** After the run: a journal that goes on past where the re-run stopped is a divergence too. */
  finish(): Divergence | null {
    if (!this.first && this.last < this.recorded.length && this.options.verifyUpTo === undefined) {
      this.first = { seq: this.last + 1, expected: this.recorded[this.last] ?? null, actual: null, fields: [] };
    }
    return this.first;
  }

  /**
   * Past the recording, every limit the re-run reaches is reported (it is live). Within it, only
   * where the recorded run journaled one: a journal written before Squad Studio had journal limits
   * passed 10,000 events without a warning, and its replay must not diverge for that.
   */
  takeLimitReached(): JournalLimitReached | null {
    const reached = this.meter.take();
    if (!reached) return null;
    if (this.last >= (this.options.verifyUpTo ?? this.recorded.length)) return reached;
    return this.recorded[this.last]?.type === 'journal.limit' ? reached : null;
  }

  drain(): Promise<void> {
    return this.next?.drain() ?? Promise.resolve();
  }

  flush(): Promise<void> {
    return this.next?.flush() ?? Promise.resolve();
  }

  close(): Promise<void> {
    return this.next?.close() ?? Promise.resolve();
  }
}
