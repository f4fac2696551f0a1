import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { JOURNAL_LIMITS } from '../../protocol/journalLimits';
import type { JournalLimitReached, RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import { blobDirOf, externalizePayloads, writeBlobs, type PendingBlob } from './journalBlobs';
import { CommitWaiters } from './commitWaiters';
import { describeError, errnoCode, JournalError } from './journalError';
import { JournalLineBuffer } from './journalLineBuffer';
import { JournalMeter, type JournalMeterLimits } from './journalMeter';
import { syncDirectory } from './syncDirectory';
import { makeDirectory } from './makeDirectory';

export interface FileJournalWriterOptions {
  /** Buffered + in-flight bytes above which `append` returns false. Default 1 MiB. */
  highWaterMark?: number;
  /** Buffered bytes at which a flush starts without waiting for the timer. Default 64 KiB. */
  flushThreshold?: number;
  /** Where `journal.limit` warnings start (tests lower them); default JOURNAL_LIMITS. */
  limits?: JournalMeterLimits;
}

export interface FileJournalWriterStats {
  /** `write` calls on the file (one per group commit, more only after a partial write). */
  writes: number;
  /** `fdatasync`/`fsync` calls on the file. */
  syncs: number;
  /** Bytes written to the file. */
  bytes: number;
  /** Payloads stored by reference in blob files (written or already there). */
  blobs: number;
}

/** What the writer needs of a file handle; a `FileHandle` has it. Tests wrap one to inject faults. */
export type JournalFileHandle = Pick<FileHandle, 'write' | 'datasync' | 'sync' | 'close'> & Partial<Pick<FileHandle, 'stat'>>;

const NO_BLOBS: readonly PendingBlob[] = [];

/** After the first append into an empty buffer, a flush starts this soon, so live readers lag little. */
const FLUSH_DELAY_MS = 5;

/**
 * The JSONL run journal: one `JSON.stringify(event)` per line, written with group commit.
 *
 * `append` only buffers. A flush takes the whole buffer, writes it with one `write` and then
 * `fdatasync`s; appends made meanwhile ride on the next flush, which starts as soon as the current one
 * ends. So a busy run costs one fsync per batch, not per event, and a quiet one still reaches the disk
 * within milliseconds (a timer starts a flush 5 ms after the first append into an empty buffer, and a
 * buffer of `flushThreshold` bytes starts one at once). Flushes never overlap, so the file grows in
 * append order.
 *
 * A payload over 256 KiB goes to a blob file beside the journal (see journalBlobs.ts): the flush
 * that carries its line first makes the blob durable. The writer measures the journal as it goes
 * and reports the limits it reaches (`takeLimitReached`).
 *
 * A failed write or fsync is fatal to the writer: the file may end in a partial line (which the
 * reader reports as torn), so it rejects every pending `flush`/`drain`/`close` and every later
 * `append` throws, naming the file and the cause. After an fsync error the page cache can no longer
 * be trusted (the kernel may have dropped the dirty pages), so retrying would be a lie.
 */
export class FileJournalWriter implements JournalWriter {
  readonly path: string;
  private readonly handle: JournalFileHandle;
  private readonly highWaterMark: number;
  private readonly flushThreshold: number;

  /** The lines appended since the last flush took them, as bytes. */
  private readonly lines = new JournalLineBuffer();
  /** Blobs the buffered lines reference, by name (identical payloads share one). */
  private blobs = new Map<string, PendingBlob>();
  private blobBytes = 0;
  private inFlightBlobBytes = 0;
  private readonly meter: JournalMeter;
  private bufferedBytes = 0;
  private inFlightBytes = 0;
  /** Bytes ever appended, and the prefix of them that is durable (also the file offset to write at). */
  private appendedBytes = 0;
  private durableBytes = 0;

  /** True while the flush loop runs; set and cleared synchronously, so no append can slip between. */
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  /** Flushes wait for a durable byte offset; drains for the pending bytes to fall to the mark. */
  private readonly waiters = new CommitWaiters();
  /** When the oldest buffered event was appended (performance.now), while someone listens to commits. */
  private bufferedSince: number | null = null;
  private readonly commitListeners = new Set<(seconds: number) => void>();
  private failure: JournalError | null = null;
  private closing: Promise<void> | null = null;
  private readonly counters: FileJournalWriterStats = { writes: 0, syncs: 0, bytes: 0, blobs: 0 };

  /**
   * Creates `path` (and its parent directories); fails if it exists, so a saved run is never
   * overwritten. The error's `code` is `EEXIST` then.
   */
  static async create(path: string, options: FileJournalWriterOptions = {}): Promise<FileJournalWriter> {
    const dir = dirname(path);
    let handle: FileHandle;
    try {
      await makeDirectory(dir);
      handle = await open(path, 'wx');
    } catch (error) {
      const reason = errnoCode(error) === 'EEXIST' ? 'journal already exists' : `cannot create journal: ${describeError(error)}`;
      throw new JournalError(`${path}: ${reason}`, { path, cause: error });
    }
    try {
      await syncDirectory(dir);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw new JournalError(`${path}: cannot fsync the journal's directory: ${describeError(error)}`, {
        path,
        cause: error,
      });
    }
    return new FileJournalWriter(path, handle, options);
  }

  /**
   * Reopens the journal of an interrupted run to go on appending to it: the file is cut to its first
   * `validBytes` (dropping a torn last line the reader found), made durable, and written after that.
   */
  static async resume(path: string, validBytes: number, options: FileJournalWriterOptions = {}): Promise<FileJournalWriter> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r+');
    } catch (error) {
      throw new JournalError(`${path}: cannot reopen journal: ${describeError(error)}`, { path, cause: error });
    }
    try {
      await handle.truncate(validBytes);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw new JournalError(`${path}: cannot cut the journal to its valid ${validBytes} bytes: ${describeError(error)}`, { path, cause: error });
    }
    return new FileJournalWriter(path, handle, { ...options, startOffset: validBytes });
  }

  /** Use `create` or `resume`; this is for tests that wrap the handle to inject faults. */
  constructor(path: string, handle: JournalFileHandle, options: FileJournalWriterOptions & { startOffset?: number } = {}) {
    this.path = path;
    this.handle = handle;
    this.appendedBytes = this.durableBytes = options.startOffset ?? 0;
    this.highWaterMark = options.highWaterMark ?? 1024 * 1024;
    this.flushThreshold = options.flushThreshold ?? 64 * 1024;
    this.meter = new JournalMeter(options.limits);
    if (!(this.highWaterMark >= 0)) throw new RangeError(`highWaterMark must be >= 0, got ${this.highWaterMark}`);
    if (!(this.flushThreshold > 0)) throw new RangeError(`flushThreshold must be > 0, got ${this.flushThreshold}`);
  }

  get stats(): FileJournalWriterStats {
    return { ...this.counters };
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  append(event: RunEvent): boolean {
    if (this.failure) {
      throw new JournalError(`${this.path}: cannot append, an earlier write failed: ${describeError(this.failure.cause)}`, {
        path: this.path,
        cause: this.failure.cause,
      });
    }
    if (this.closing) throw new JournalError(`${this.path}: append after close (seq ${event.seq})`, { path: this.path });

    const json = JSON.stringify(event);
    const fullBytes = this.lines.stage(json);
    this.meter.add(fullBytes);
    let bytes = fullBytes;
    let blobs: readonly PendingBlob[] = NO_BLOBS;
    // No string can be larger than the line that holds it: most lines are not even looked at.
    if (fullBytes > JOURNAL_LIMITS.payloadBytes) {
      const full = json + '\n';
      const stored = externalizePayloads(event, full, fullBytes);
      blobs = stored.blobs;
      if (stored.line !== full) bytes = this.lines.stage(stored.line.slice(0, -1));
    }
    for (const blob of blobs) {
      if (this.blobs.has(blob.ref)) continue;
      this.blobs.set(blob.ref, blob);
      this.blobBytes += blob.data.length;
    }
    const wasEmpty = this.lines.length === 0;
    if (wasEmpty && this.commitListeners.size > 0) this.bufferedSince = performance.now();
    this.lines.commit(bytes);
    this.bufferedBytes += bytes;
    this.appendedBytes += bytes;

    const overWaterMark = this.pendingBytes > this.highWaterMark;
    if (this.bufferedBytes >= this.flushThreshold || overWaterMark || blobs.length > 0) this.kick();
    else if (wasEmpty && !this.running && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick();
      }, FLUSH_DELAY_MS);
      this.timer.unref();
    }
    return !overWaterMark;
  }

  /**
   * Calls `listener` after each group commit with the seconds its oldest event waited from `append`
   * to durable (metrics). Returns the unsubscribe.
   */
  onCommit(listener: (seconds: number) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
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
    return this.waiters.flush(this.appendedBytes, this.durableBytes, () => this.kick());
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.kick();
    await this.loop;
    try {
      if (this.failure) throw this.failure;
      try {
        await this.handle.sync(); // a full fsync once, for the metadata fdatasync may skip
        this.counters.syncs++;
      } catch (error) {
        throw this.fail(error, 'fsync');
      }
    } finally {
      await this.handle.close().catch(() => undefined);
    }
  }

  private get pendingBytes(): number {
    return this.bufferedBytes + this.inFlightBytes + this.blobBytes + this.inFlightBlobBytes;
  }

  /** Starts the flush loop unless it is running (it then picks up the buffer when its write ends). */
  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running || this.failure || this.lines.length === 0) return;
    this.running = true;
    this.loop = this.runFlushes();
  }

  /**
   * Group commit: one write + fdatasync per batch, until the buffer stays empty. Never rejects. The
   * `finally` runs in the same tick as the last emptiness check, so an append cannot land in between
   * and be left waiting for a loop that has already decided to stop.
   */
  private async runFlushes(): Promise<void> {
    try {
      while (this.lines.length > 0 && !this.failure) {
        const data = this.lines.take();
        const since = this.bufferedSince;
        this.bufferedSince = null;
        const bytes = this.bufferedBytes;
        const blobs = [...this.blobs.values()];
        this.bufferedBytes = 0;
        this.inFlightBytes = bytes;
        this.blobs = new Map();
        this.inFlightBlobBytes = this.blobBytes;
        this.blobBytes = 0;

        let step = 'blob write';
        try {
          // The blobs first: a line must never reach the disk before the payload it references.
          if (blobs.length > 0) {
            await writeBlobs(blobDirOf(this.path), blobs, syncDirectory);
            this.counters.blobs += blobs.length;
          }
          // The fence (JournalStore's contract): a file that grew past what this writer made durable
          // was appended to by another writer (a resumed copy of this run); writing would overwrite it.
          step = 'fence check';
          if (this.handle.stat) {
            const { size } = await this.handle.stat();
            if (size !== this.durableBytes) throw new Error(`the journal is ${size} bytes, this writer wrote ${this.durableBytes}: another writer appended to it`);
          }
          step = 'write';
          let offset = 0;
          while (offset < data.length) {
            const position = this.durableBytes + offset;
            const { bytesWritten } = await this.handle.write(data, offset, data.length - offset, position);
            this.counters.writes++;
            if (bytesWritten <= 0) throw new Error(`write returned ${bytesWritten} bytes`);
            this.counters.bytes += bytesWritten;
            offset += bytesWritten;
          }
          step = 'fdatasync';
          await this.handle.datasync();
          this.counters.syncs++;
        } catch (error) {
          this.fail(error, step);
          return;
        }

        this.durableBytes += bytes;
        this.inFlightBytes = 0;
        this.inFlightBlobBytes = 0;
        this.waiters.settle(this.durableBytes, this.pendingBytes <= this.highWaterMark);
        if (since !== null) for (const listener of this.commitListeners) listener((performance.now() - since) / 1000);
      }
    } finally {
      this.running = false;
    }
  }

  private fail(cause: unknown, step: string): JournalError {
    const failure = new JournalError(`${this.path}: journal ${step} failed: ${describeError(cause)}`, {
      path: this.path,
      cause,
    });
    this.failure ??= failure;
    this.waiters.fail(this.failure);
    return this.failure;
  }
}
