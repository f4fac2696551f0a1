import { readdir, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import { FileJournalWriter, type FileJournalWriterOptions } from './fileJournalWriter';
import { describeError, errnoCode, JournalError } from './journalError';
import { checkJournalId as checkRunId } from './journalId';
import type { JournalReadResult } from './readJournal';

export interface JournalFileInfo {
  /** The file name without `.jsonl`: the run id, or `<runId>-N` for the Nth run with that id. `read` takes it. */
  id: string;
  path: string;
  size: number;
  mtime: Date;
}

const EXTENSION = '.jsonl';
/** How many `<runId>-N` names `createWriter` tries before giving up. */
const MAX_SUFFIX = 100_000;

/**
 * Saved runs as one JSONL journal per run in a directory, by default `<workspace>/.squad/runs/`.
 * A saved run is never overwritten: identical deterministic runs share a run id, so the second one
 * goes to `<runId>-2.jsonl`, the third to `<runId>-3.jsonl`, and so on (each claimed with an exclusive
 * create, so two servers racing for a name cannot both get it).
 */
export class FileJournalStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  static forWorkspace(workspaceRoot: string): FileJournalStore {
    return new FileJournalStore(join(workspaceRoot, '.squad', 'runs'));
  }

  /** `<dir>/<runId>.jsonl`. Throws for a run id that is not a plain file name (it may come from the wire). */
  pathFor(runId: string): string {
    checkRunId(runId);
    return join(this.dir, runId + EXTENSION);
  }

  /** Creates the journal of a new run, creating the directory if needed. */
  async createWriter(runId: string, options: FileJournalWriterOptions = {}): Promise<{ path: string; writer: FileJournalWriter }> {
    checkRunId(runId);
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const path = n === 1 ? this.pathFor(runId) : join(this.dir, `${runId}-${n}${EXTENSION}`);
      try {
        return { path, writer: await FileJournalWriter.create(path, options) };
      } catch (error) {
        if (error instanceof JournalError && error.code === 'EEXIST') continue;
        throw error;
      }
    }
    throw new JournalError(`${this.dir}: more than ${MAX_SUFFIX} journals for run ${runId}`, { path: this.dir });
  }

  /** The saved journals, newest first. An absent directory holds none. */
  async list(): Promise<JournalFileInfo[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.endsWith(EXTENSION)).map((entry) => entry.name);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw new JournalError(`${this.dir}: cannot list journals: ${describeError(error)}`, { path: this.dir, cause: error });
    }
    const infos = await Promise.all(
      names.map(async (name): Promise<JournalFileInfo | null> => {
        const path = join(this.dir, name);
        try {
          const info = await stat(path);
          return { id: name.slice(0, -EXTENSION.length), path, size: info.size, mtime: info.mtime };
        } catch (error) {
          if (errnoCode(error) === 'ENOENT') return null; // deleted while listing
          throw new JournalError(`${path}: cannot stat journal: ${describeError(error)}`, { path, cause: error });
        }
      }),
    );
    return infos.filter((info): info is JournalFileInfo => info !== null).sort((a, b) => b.mtime.getTime() - a.mtime.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /**
   * Reads a journal given as a path (anything with a path separator, or absolute), a file name in
   * the directory (`abc-2.jsonl`), or an id as `list` gives it (`abc`, `abc-2`).
   */
  async read(pathOrRunId: string): Promise<JournalReadResult> {
    // The reader (and every event's schema) loads at the first read: a run only writes.
    const { readJournalFile } = await import('./readJournal');
    return readJournalFile(this.resolve(pathOrRunId));
  }

  private resolve(pathOrRunId: string): string {
    if (isAbsolute(pathOrRunId) || pathOrRunId.includes('/') || pathOrRunId.includes(sep)) return resolve(pathOrRunId);
    if (pathOrRunId.endsWith(EXTENSION)) return this.pathFor(basename(pathOrRunId, EXTENSION));
    return this.pathFor(pathOrRunId);
  }
}
