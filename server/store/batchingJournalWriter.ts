import type { JournalLimitReached, RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import { CommitWaiters } from './commitWaiters';
import { describeError, JournalError } from './journalError';
import { JournalMeter, type JournalMeterLimits } from './journalMeter';

/** One event ready to store: the event and its JSONL line (without the newline). */
export interface StoredLine {
  seq: number;
  type: RunEvent['type'];
  json: string;
}

/** Stores one batch durably (one transaction, one round trip); rejecting fails the writer. */
export type CommitBatch = (lines: StoredLine[]) => Promise<void>;

export interface BatchingJournalWriterOptions {
  /** Pending bytes above which `append` returns false. Default 1 MiB. */
  highWaterMark?: number;
  /** Where `journal.limit` warnings start; default JOURNAL_LIMITS. */
  limits?: JournalMeterLimits;
  /** Names the journal in errors. */
  name: string;
}

/**
 * Group commit for stores that take batches (PostgreSQL, memory): `append` serializes and buffers;
 * a commit takes the whole buffer as one batch; appends made during a commit ride on the next, which
 * starts as soon as the current one ends. A commit starts on the next turn of the event loop after
 * the first append into an empty buffer (a run emits its events in bursts), so a busy run costs one
 * round trip per burst and a quiet one is durable within a millisecond or two.
 *
 * A failed commit is fatal, as for the file writer: pending waiters reject and later appends throw.
 * For PostgreSQL that is also the fence: a writer whose seq another writer stored first fails here.
 */
export class BatchingJournalWriter implements JournalWriter {
  private buffer: StoredLine[] = [];
  private bufferedBytes = 0;
  private inFlightBytes = 0;
  private appended = 0;
  private durable = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private scheduled = false;
  private readonly waiters = new CommitWaiters();
  private failure: JournalError | null = null;
  private closing: Promise<void> | null = null;
  private readonly meter: JournalMeter;
  private readonly highWaterMark: number;
  /** Batches committed, for tests and the bench. */
  commits = 0;

  constructor(
    private readonly commit: CommitBatch,
    private readonly options: BatchingJournalWriterOptions,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.meter = new JournalMeter(options.limits);
    this.highWaterMark = options.highWaterMark ?? 1024 * 1024;
    if (!(this.highWaterMark >= 0)) throw new RangeError(`highWaterMark must be >= 0, got ${this.highWaterMark}`);
  }

  append(event: RunEvent): boolean {
    if (this.failure) throw new JournalError(`${this.options.name}: cannot append, an earlier write failed: ${describeError(this.failure.cause)}`, { cause: this.failure.cause });
    if (this.closing) throw new JournalError(`${this.options.name}: append after close (seq ${event.seq})`);
    const json = JSON.stringify(event);
    const bytes = Buffer.byteLength(json) + 1;
    this.meter.add(bytes);
    this.buffer.push({ seq: event.seq, type: event.type, json });
    this.bufferedBytes += bytes;
    this.appended += 1;
    const over = this.pendingBytes > this.highWaterMark;
    if (over) this.kick();
    else if (!this.running && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.kick();
      });
    }
    return !over;
  }

  takeLimitReached(): JournalLimitReached | null {
    return this.meter.take();
  }

  drain(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.waiters.drain(this.pendingBytes > this.highWaterMark, () => this.kick());
  }

  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.waiters.flush(this.appended, this.durable, () => this.kick());
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.kick();
      await this.loop;
      try {
        if (this.failure) throw this.failure;
      } finally {
        await this.onClose();
      }
    })();
    return this.closing;
  }

  private get pendingBytes(): number {
    return this.bufferedBytes + this.inFlightBytes;
  }

  private kick(): void {
    if (this.running || this.failure || this.buffer.length === 0) return;
    this.running = true;
    this.loop = this.runCommits();
  }

  private async runCommits(): Promise<void> {
    try {
      while (this.buffer.length > 0 && !this.failure) {
        const batch = this.buffer;
        this.buffer = [];
        this.inFlightBytes = this.bufferedBytes;
        this.bufferedBytes = 0;
        try {
          await this.commit(batch);
          this.commits += 1;
        } catch (error) {
          this.fail(error);
          return;
        }
        this.durable += batch.length;
        this.inFlightBytes = 0;
        this.waiters.settle(this.durable, this.pendingBytes <= this.highWaterMark);
      }
    } finally {
      this.running = false;
    }
  }

  private fail(cause: unknown): void {
    this.failure ??= new JournalError(`${this.options.name}: journal commit failed: ${describeError(cause)}`, { cause });
    this.waiters.fail(this.failure);
  }
}
