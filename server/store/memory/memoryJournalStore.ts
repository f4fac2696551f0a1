import { EventEmitter } from 'node:events';
import { RunEventSchema, type RunEvent } from '../../../protocol/runEvent';
import type { JournalWriter } from '../../engine/journalWriter';
import { BatchingJournalWriter, type StoredLine } from '../batchingJournalWriter';
import { JournalError } from '../journalError';
import type { JournalEntry, JournalStore, JournalWriterOptions, OpenedJournal } from '../journalStore';
import { checkJournalId, journalIdCandidates } from '../journalId';
import { followByPolling } from '../followByPolling';

interface Journal {
  lines: StoredLine[];
  updatedAt: Date;
}

/**
 * The journal store in memory, for tests and single-process tools: the same contract as the file
 * and PostgreSQL stores (lines are stored as their JSON text, so a reader gets exactly what a
 * JSONL file would hold).
 */
export class MemoryJournalStore implements JournalStore {
  readonly location = 'memory';
  private readonly journals = new Map<string, Journal>();
  private readonly appended = new EventEmitter().setMaxListeners(0);

  async create(runId: string, options: JournalWriterOptions = {}): Promise<{ id: string; writer: JournalWriter }> {
    checkJournalId(runId);
    for (const id of journalIdCandidates(runId)) {
      if (this.journals.has(id)) continue;
      this.journals.set(id, { lines: [], updatedAt: new Date() });
      return { id, writer: this.writerFor(id, options) };
    }
    throw new JournalError(`memory: too many journals for run ${runId}`);
  }

  async reopen(id: string): Promise<OpenedJournal> {
    const events = await this.read(id);
    return { id, events, writer: this.writerFor(id) };
  }

  async read(id: string, fromSeq = 1, toSeq = Infinity): Promise<RunEvent[]> {
    const journal = this.journals.get(id);
    if (!journal) throw new JournalError(`memory: no journal ${JSON.stringify(id)}`, { code: 'ENOENT' });
    return journal.lines.filter((l) => l.seq >= fromSeq && l.seq <= toSeq).map((l) => RunEventSchema.parse(JSON.parse(l.json)));
  }

  follow(id: string, fromSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    return followByPolling(
      (from) => this.read(id, from),
      fromSeq,
      signal,
      (wake) => {
        this.appended.on(id, wake);
        return () => this.appended.off(id, wake);
      },
    );
  }

  async list(): Promise<JournalEntry[]> {
    return [...this.journals.entries()]
      .map(([id, j]) => ({ id, events: j.lines.length, updatedAt: j.updatedAt, completed: j.lines.at(-1)?.type === 'run.completed' }))
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? 1 : -1));
  }

  async delete(id: string): Promise<boolean> {
    return this.journals.delete(id);
  }

  async unfinished(): Promise<string[]> {
    return (await this.list()).filter((j) => (j.events ?? 0) > 0 && !j.completed).map((j) => j.id);
  }

  async close(): Promise<void> {
    this.appended.removeAllListeners();
  }

  private writerFor(id: string, options: JournalWriterOptions = {}): JournalWriter {
    return new BatchingJournalWriter(
      async (batch) => {
        const journal = this.journals.get(id);
        if (!journal) throw new JournalError(`memory: journal ${id} was deleted`);
        // The same fence as the database's primary key: a seq is stored once, in order.
        for (const line of batch) {
          if (line.seq !== journal.lines.length + 1) throw new JournalError(`memory: journal ${id}: seq ${line.seq} after ${journal.lines.length} (another writer got there first)`);
          journal.lines.push(line);
        }
        journal.updatedAt = new Date();
        this.appended.emit(id);
      },
      { name: `memory journal ${id}`, ...options },
    );
  }
}
