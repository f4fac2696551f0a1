import { resolve } from 'node:path';
import type { RunEvent } from '../../protocol/runEvent';
import { FileJournalStore } from '../store/fileJournalStore';
import { JournalError } from '../store/journalError';
import { readJournalFile, type JournalReadResult } from '../store/readJournal';
import { UsageError } from './cliIo';

/**
 * A journal named on the command line: a path to a `.jsonl` file, or a run's id (or journal file name)
 * under the workspace's `.squad/runs/`. A journal that cannot be read is a usage error with its reason.
 */
export async function readJournalArg(arg: string, cwd: string, workspace: string): Promise<JournalReadResult & { path: string; events: RunEvent[] }> {
  const looksLikePath = arg.includes('/') || arg.includes('\\') || arg.endsWith('.jsonl');
  const path = looksLikePath ? resolve(cwd, arg) : FileJournalStore.forWorkspace(resolve(cwd, workspace)).pathFor(arg);
  try {
    const read = await readJournalFile(path);
    if (read.events.length === 0) throw new UsageError(`${arg}: the journal is empty`);
    return { ...read, path };
  } catch (error) {
    if (error instanceof JournalError) throw new UsageError(error.message);
    throw error;
  }
}
