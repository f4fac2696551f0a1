import { watch, type FSWatcher } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import { endsUnfinished } from './endsUnfinished';
import { FileJournalStore } from './fileJournalStore';
import { FileJournalWriter } from './fileJournalWriter';
import { followByPolling } from './followByPolling';
import type { JournalEntry, JournalStore, JournalWriterOptions, OpenedJournal } from './journalStore';
import { readJournalFile } from './readJournal';

/**
 * The embedded default `JournalStore`: the workspace's `.squad/runs/<id>.jsonl` files as they have
 * always been (group commit + fsync, blobs beside them), behind the port every other store has.
 */
export class FileJournals implements JournalStore {
  constructor(readonly files: FileJournalStore) {}

  static forWorkspace(workspace: string): FileJournals {
    return new FileJournals(FileJournalStore.forWorkspace(workspace));
  }

  get location(): string {
    return this.files.dir;
  }

  /** The file of a journal (for the CLI and the debugger, which open files). */
  pathOf(id: string): string {
    return this.files.pathFor(id);
  }

  async create(runId: string, options: JournalWriterOptions = {}): Promise<{ id: string; writer: JournalWriter }> {
    const { path, writer } = await this.files.createWriter(runId, options);
    return { id: path.slice(this.files.dir.length + 1, -'.jsonl'.length), writer };
  }

  async reopen(id: string): Promise<OpenedJournal> {
    const path = this.files.pathFor(id);
    const read = await readJournalFile(path);
    const size = (await stat(path)).size;
    const writer = await FileJournalWriter.resume(path, size - (read.torn?.bytes ?? 0));
    return { id, events: read.events, writer };
  }

  async read(id: string, fromSeq = 1, toSeq = Infinity): Promise<RunEvent[]> {
    const { events } = await readJournalFile(this.files.pathFor(id));
    return events.slice(Math.max(0, fromSeq - 1), toSeq === Infinity ? undefined : toSeq);
  }

  follow(id: string, fromSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    const path = this.files.pathFor(id);
    return followByPolling(
      (from) => this.read(id, from),
      fromSeq,
      signal,
      (wake) => {
        let watcher: FSWatcher | null = null;
        try {
          watcher = watch(path, { persistent: false }, wake);
          watcher.on('error', () => undefined); // the poll goes on without it
        } catch {
          // No watcher (the file is not there yet): the poll alone.
        }
        return () => watcher?.close();
      },
    );
  }

  async list(): Promise<JournalEntry[]> {
    const files = await this.files.list();
    return Promise.all(files.map(async (f) => ({ id: f.id, events: null, updatedAt: f.mtime, completed: !(await endsUnfinished(f.path)) && f.size > 0 })));
  }

  async delete(id: string): Promise<boolean> {
    const path = this.files.pathFor(id);
    const existed = await stat(path).then(
      () => true,
      () => false,
    );
    await rm(path, { force: true });
    return existed;
  }

  async unfinished(): Promise<string[]> {
    const out: string[] = [];
    for (const f of await this.files.list()) if (await endsUnfinished(f.path)) out.push(f.id);
    return out;
  }

  async close(): Promise<void> {}
}
