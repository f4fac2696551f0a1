import { stat } from 'node:fs/promises';
import type { RunEvent } from '../../protocol/runEvent';
import { describeError, errnoCode, JournalError } from '../store/journalError';
import { readJournalFile } from '../store/readJournal';

/** Default bound on the journals kept parsed, in file bytes (parsed events take ~1.4× that in the heap: 100,000 events, 25 MB of JSONL, hold 34 MB). */
export const DEFAULT_JOURNAL_CACHE_BYTES = 64 * 1024 * 1024;

interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  /** Shared by every reader until the file changes; read-only by contract. */
  events: Promise<readonly RunEvent[]>;
}

/**
 * Parsed journals, so that reading a saved run page by page (the web app asks for 100,000 events in
 * pages of 10,000) or diffing it against another does not re-read and re-validate the whole file for
 * every request: that made opening a 100,000-event run cost a second of parsing per page.
 *
 * An entry is valid while the file's size, mtime and inode are those it was read at: journals only
 * grow by appends, and a rewritten or replaced file changes at least one of them. Reads of the same
 * unchanged file share one parse (concurrent requests included). Entries are dropped oldest-used
 * first once their files total more than `maxBytes`; a journal bigger than the bound alone is read
 * every time, never held.
 *
 * Contract for callers: the arrays returned are shared; slice or copy, never mutate them.
 */
export class JournalCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxBytes = DEFAULT_JOURNAL_CACHE_BYTES) {}

  /** The journal's events; throws `JournalError` (code `ENOENT` when there is no file) as `readJournalFile` does. */
  async events(path: string): Promise<readonly RunEvent[]> {
    let info: { size: number; mtimeMs: number; ino: number };
    try {
      info = await stat(path);
    } catch (error) {
      const reason = errnoCode(error) === 'ENOENT' ? 'no such journal file' : `cannot open the journal: ${describeError(error)}`;
      throw new JournalError(`${path}: ${reason}`, { path, cause: error });
    }
    const cached = this.entries.get(path);
    if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs && cached.ino === info.ino) {
      // Most recently used last: Map keeps insertion order, so re-inserting marks it.
      this.entries.delete(path);
      this.entries.set(path, cached);
      return cached.events;
    }
    const events = readJournalFile(path).then((r) => r.events);
    if (info.size > this.maxBytes) {
      this.entries.delete(path);
      return events;
    }
    const entry: Entry = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, events };
    this.entries.delete(path);
    this.entries.set(path, entry);
    // A failed read is not remembered: the next request tries again (and reports again).
    events.catch(() => {
      if (this.entries.get(path) === entry) this.entries.delete(path);
    });
    this.evict();
    return events;
  }

  /** Files held, for tests and diagnostics. */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private evict(): void {
    let total = 0;
    for (const e of this.entries.values()) total += e.size;
    for (const [path, e] of this.entries) {
      if (total <= this.maxBytes) break;
      this.entries.delete(path);
      total -= e.size;
    }
  }
}
