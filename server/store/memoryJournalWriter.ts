import type { JournalLimitReached, RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import { JournalMeter, type JournalMeterLimits } from './journalMeter';

export interface MemoryJournalWriterOptions {
  /**
   * Bytes (as JSONL) appended since the last flush above which `append` returns false, as the file
   * writer does. Default 1 MiB, the file writer's default, so engine tests take the same paths.
   */
  highWaterMark?: number;
  /** Where `journal.limit` warnings start (tests lower them); default JOURNAL_LIMITS. */
  limits?: JournalMeterLimits;
}

/**
 * The in-memory journal, for tests. Each event is stored as a JSON round trip of what was appended,
 * so a test sees exactly what the JSONL file would hold (and a caller mutating an event after
 * appending it cannot rewrite history). "Durable" means "flushed": `durableCount` lets a test check
 * that the engine flushed before it acknowledged something.
 */
export class MemoryJournalWriter implements JournalWriter {
  /** Every event appended so far, in order. Read it; do not modify it. */
  readonly events: RunEvent[] = [];
  private readonly highWaterMark: number;
  private pendingBytes = 0;
  private durable = 0;
  private isClosed = false;
  private readonly meter: JournalMeter;

  constructor(options: MemoryJournalWriterOptions = {}) {
    this.meter = new JournalMeter(options.limits);
    this.highWaterMark = options.highWaterMark ?? 1024 * 1024;
    if (!(this.highWaterMark >= 0)) throw new RangeError(`highWaterMark must be >= 0, got ${this.highWaterMark}`);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** How many of `events` a flush has made durable. */
  get durableCount(): number {
    return this.durable;
  }

  append(event: RunEvent): boolean {
    if (this.isClosed) throw new Error(`memory journal: append after close (seq ${event.seq})`);
    const json = JSON.stringify(event);
    this.events.push(JSON.parse(json) as RunEvent);
    const bytes = Buffer.byteLength(json) + 1;
    this.meter.add(bytes);
    this.pendingBytes += bytes;
    return this.pendingBytes <= this.highWaterMark;
  }

  takeLimitReached(): JournalLimitReached | null {
    return this.meter.take();
  }

  drain(): Promise<void> {
    // Writing to memory is instant: draining is flushing.
    return this.flush();
  }

  async flush(): Promise<void> {
    this.pendingBytes = 0;
    this.durable = this.events.length;
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.flush();
  }
}
