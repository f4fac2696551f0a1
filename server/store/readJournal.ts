import { open, type FileHandle } from 'node:fs/promises';
import { JOURNAL_FORMAT_VERSION, RunEventSchema, type RunEvent } from '../../protocol/runEvent';
import { hasBlobRefs, resolvePayloads } from './journalBlobs';
import { describeError, errnoCode, JournalError } from './journalError';

/** The last line of a journal, dropped because a crash cut its write short. */
export interface TornLine {
  /** 1-based line number. */
  line: number;
  /** Its size in the file, newline included if it had one. */
  bytes: number;
  reason: string;
}

export interface JournalReadResult {
  events: RunEvent[];
  /** The torn last line that was dropped, or null when the journal ends cleanly. */
  torn: TornLine | null;
  /** Oddities that do not stop a replay, each as `path:line: message`. */
  warnings: string[];
}

/** Bytes read from the file at a time. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads and checks a JSONL journal (see `parseJournal` for the rules). The file is read in chunks and
 * each line is decoded on its own, so memory holds the events and one chunk, not the file's text too,
 * and byte counts are exact even when a crash cut a multi-byte character in half. Payloads stored by
 * reference (journalBlobs.ts) are read from their blob files and put back, so callers see full events.
 */
export async function readJournalFile(path: string): Promise<JournalReadResult> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const reason = errnoCode(error) === 'ENOENT' ? 'no such journal file' : `cannot open the journal: ${describeError(error)}`;
    throw new JournalError(`${path}: ${reason}`, { path, cause: error });
  }
  try {
    const checker = new JournalChecker(path);
    const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    /** The start of a line that continues in the next chunk (copied: `chunk` is reused). */
    let pieces: Buffer[] = [];
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
      } catch (error) {
        const reason = errnoCode(error) === 'EISDIR' ? 'is a directory, not a journal file' : `cannot read the journal: ${describeError(error)}`;
        throw new JournalError(`${path}: ${reason}`, { path, cause: error });
      }
      if (bytesRead === 0) break;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(0x0a, start);
        if (newline < 0 || newline >= bytesRead) break;
        let line = chunk.subarray(start, newline);
        if (pieces.length > 0) {
          line = Buffer.concat([...pieces, line]);
          pieces = [];
        }
        const parsed = checker.line(line.toString('utf8'), line.length + 1);
        if (parsed) {
          if (hasBlobRefs(parsed.value)) await resolvePayloads(parsed.value, path, parsed.line);
          checker.accept(parsed.value, parsed.line);
        }
        start = newline + 1;
      }
      if (start < bytesRead) pieces.push(Buffer.from(chunk.subarray(start, bytesRead)));
    }
    const rest = pieces.length > 0 ? Buffer.concat(pieces) : null;
    return checker.finish(rest === null ? null : rest.toString('utf8'), rest?.length ?? 0);
  } finally {
    await handle.close();
  }
}

/**
 * Parses and checks a journal's text. `path` only names the journal in messages.
 *
 * - Each line is one event: `JSON.parse`d and validated with `RunEventSchema`.
 * - A torn write (a crash mid-write) can only damage the end of the file, so a last line without its
 *   newline, or a last line that is not JSON, is dropped and reported in `torn`, never thrown.
 * - Anything else is corruption and throws `JournalError` as `path:line: reason`: a bad line that is not
 *   the last, a line that is JSON but not a valid event (a crash cannot produce one), a `seq` that does
 *   not count 1, 2, 3 … with the line number, a `runId` that differs from the first line's, or a journal
 *   whose `run.started` declares a format newer than this version reads.
 *
 * Text alone cannot resolve payloads stored by reference: a line with one is refused (read the file
 * with `readJournalFile`).
 */
export function parseJournal(text: string, path: string): JournalReadResult {
  const checker = new JournalChecker(path);
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) break;
    const line = text.slice(start, newline);
    const parsed = checker.line(line, Buffer.byteLength(line) + 1);
    if (parsed) {
      if (hasBlobRefs(parsed.value)) throw JournalError.at(path, parsed.line, 'a payload is stored by reference in a blob file: read the journal file, not its text');
      checker.accept(parsed.value, parsed.line);
    }
    start = newline + 1;
  }
  const rest = start < text.length ? text.slice(start) : null;
  return checker.finish(rest, rest === null ? 0 : Buffer.byteLength(rest));
}

/** The rules, fed one line at a time by both front ends. */
class JournalChecker {
  private readonly events: RunEvent[] = [];
  private readonly warnings: string[] = [];
  private lineNumber = 0;
  /** A complete line that is not JSON: torn if it turns out to be the last line, else corruption. */
  private unparsed: TornLine | null = null;
  private runId: string | null = null;
  private lastT = 0;
  private completedAtLine: number | null = null;
  private warnedTime = false;
  private warnedAfterCompleted = false;

  constructor(private readonly path: string) {}

  /**
   * One line that ended with a newline; `bytes` includes the newline. Returns its JSON for `accept`
   * (after its blob references are resolved), or null when it is not JSON (torn if it is the last).
   */
  line(text: string, bytes: number): { value: unknown; line: number } | null {
    this.rejectUnparsed();
    const line = ++this.lineNumber;
    try {
      return { value: JSON.parse(text) as unknown, line };
    } catch (error) {
      this.unparsed = { line, bytes, reason: `not valid JSON (${describeError(error)})` };
      return null;
    }
  }

  /** The end of the journal; `rest` is what follows the last newline (null if nothing does). */
  finish(rest: string | null, restBytes: number): JournalReadResult {
    let torn: TornLine | null = this.unparsed;
    if (rest !== null) {
      this.rejectUnparsed();
      torn = {
        line: ++this.lineNumber,
        bytes: restBytes,
        reason: 'the last line has no newline: its write was cut short',
      };
    }
    return { events: this.events, torn, warnings: this.warnings };
  }

  /** A line follows an unparsable one, so that one was not a torn last line. */
  private rejectUnparsed(): void {
    if (this.unparsed) throw JournalError.at(this.path, this.unparsed.line, this.unparsed.reason);
  }

  /** A line's event, checked against the schema and the journal's rules. */
  accept(value: unknown, line: number): void {
    if (line === 1) this.checkFormatVersion(value);

    const result = RunEventSchema.safeParse(value);
    if (!result.success) {
      const type = isRecord(value) && typeof value.type === 'string' ? ` "${value.type}"` : '';
      const issues = result.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.map(String).join('.') || '(event)'}: ${issue.message}`)
        .join('; ');
      throw JournalError.at(this.path, line, `not a valid${type} run event: ${issues}`);
    }
    const event = result.data;

    const expected = this.events.length + 1;
    if (event.seq !== expected) {
      const why = expected === 1 ? 'a journal starts at seq 1' : event.seq > expected ? 'events are missing' : 'events are repeated or out of order';
      throw JournalError.at(this.path, line, `seq ${event.seq}, expected ${expected} (${why})`);
    }
    if (this.runId === null) this.runId = event.runId;
    else if (event.runId !== this.runId) {
      throw JournalError.at(this.path, line, `runId "${event.runId}" differs from the journal's "${this.runId}" (line 1)`);
    }

    if (line === 1 && event.type !== 'run.started') {
      this.warn(line, `the journal starts with ${event.type}, not run.started`);
    }
    if (this.completedAtLine !== null && !this.warnedAfterCompleted) {
      this.warnedAfterCompleted = true;
      this.warn(line, `events after run.completed (line ${this.completedAtLine})`);
    }
    if (event.type === 'run.completed' && this.completedAtLine === null) this.completedAtLine = line;
    if (event.t < this.lastT && !this.warnedTime) {
      this.warnedTime = true;
      this.warn(line, `time goes back from ${this.lastT} ms to ${event.t} ms`);
    }
    this.lastT = Math.max(this.lastT, event.t);

    this.events.push(event);
  }

  /** Checked before the schema: a newer format may hold events this version cannot validate. */
  private checkFormatVersion(value: unknown): void {
    if (!isRecord(value) || value.type !== 'run.started' || typeof value.formatVersion !== 'number') return;
    if (value.formatVersion > JOURNAL_FORMAT_VERSION) {
      throw JournalError.at(
        this.path,
        1,
        `this journal was written by a newer Squad Studio (journal format ${value.formatVersion}; ` + `this version reads formats up to ${JOURNAL_FORMAT_VERSION}). Update Squad Studio to open it.`,
      );
    }
  }

  private warn(line: number, message: string): void {
    this.warnings.push(`${this.path}:${line}: ${message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
