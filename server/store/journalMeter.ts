import { JOURNAL_LIMITS } from '../../protocol/journalLimits';
import type { JournalLimitReached } from '../../protocol/runEvent';

export interface JournalMeterLimits {
  /** Events at which the journal warns. Default JOURNAL_LIMITS.events (10,000). */
  events?: number;
  /** Bytes (JSONL, payloads in full) at which the journal warns. Default JOURNAL_LIMITS.bytes (10 MiB). */
  bytes?: number;
}

/**
 * Measures a journal as it grows (events, and bytes as JSONL with every payload in full, so the
 * figure is the same whichever store holds the run and whether payloads went to blobs) and notes
 * each limit the first time it is reached: the event that makes the count 10,000, or the bytes
 * reach 10 MiB. Writers feed it the size of each line they append; the engine takes what it noted
 * (`JournalWriter.takeLimitReached`) and journals it. Deterministic: a function of the lines alone.
 */
export class JournalMeter {
  private eventCount = 0;
  private byteCount = 0;
  private readonly eventLimit: number;
  private readonly byteLimit: number;
  private eventsReached = false;
  private bytesReached = false;
  /** Reached and not taken yet, in the order reached (both may be reached by one event). */
  private readonly pending: JournalLimitReached[] = [];

  constructor(limits: JournalMeterLimits = {}) {
    this.eventLimit = limits.events ?? JOURNAL_LIMITS.events;
    this.byteLimit = limits.bytes ?? JOURNAL_LIMITS.bytes;
    if (!(Number.isInteger(this.eventLimit) && this.eventLimit > 0)) throw new RangeError(`events limit must be a positive integer, got ${this.eventLimit}`);
    if (!(Number.isInteger(this.byteLimit) && this.byteLimit > 0)) throw new RangeError(`bytes limit must be a positive integer, got ${this.byteLimit}`);
  }

  get events(): number {
    return this.eventCount;
  }

  get bytes(): number {
    return this.byteCount;
  }

  /** One more event, whose JSONL line (newline included) is `lineBytes` long. */
  add(lineBytes: number): void {
    this.eventCount += 1;
    this.byteCount += lineBytes;
    if (!this.eventsReached && this.eventCount >= this.eventLimit) {
      this.eventsReached = true;
      this.pending.push({ limit: 'events', threshold: this.eventLimit, events: this.eventCount, bytes: this.byteCount });
    }
    if (!this.bytesReached && this.byteCount >= this.byteLimit) {
      this.bytesReached = true;
      this.pending.push({ limit: 'bytes', threshold: this.byteLimit, events: this.eventCount, bytes: this.byteCount });
    }
  }

  /** The oldest limit reached and not taken yet. */
  take(): JournalLimitReached | null {
    return this.pending.shift() ?? null;
  }
}
