import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { RunEvent } from '../../protocol/runEvent';
import { FileJournalStore } from '../store/fileJournalStore';
import { JournalError } from '../store/journalError';
import { readJournalFile, type JournalReadResult } from '../store/readJournal';
import { UsageError } from './cliIo';
import { fileProblem } from './fileProblem';

/**
 * A journal named on the command line: a path to a `.jsonl` file, or a run's id (or journal file name)
 * under the workspace's `.squad/runs/`. A journal that cannot be read is a usage error with its reason.
 */
export async function readJournalArg(arg: string, cwd: string, workspace: string): Promise<JournalReadResult & { path: string; events: RunEvent[] }> {
  // A name that is there in the working directory is that file (or directory, refused below as one),
  // not a run id: `squad replay notes.txt` says what notes.txt is, not that no run has that id.
  const looksLikePath = arg.includes('/') || arg.includes('\\') || arg.endsWith('.jsonl') || existsSync(resolve(cwd, arg));
  const path = looksLikePath ? resolve(cwd, arg) : FileJournalStore.forWorkspace(resolve(cwd, workspace)).pathFor(arg);
  let read: JournalReadResult;
  try {
    read = await readJournalFile(path);
  } catch (error) {
    if (error instanceof JournalError) throw new UsageError(error.message);
    throw error;
  }
  if (read.events.length === 0 && read.torn !== null) {
    // One line and it is not an event (a binary file, a text file, a squad file named by mistake):
    // the torn-last-line rule dropped it, but a journal torn before its first event is no journal.
    throw JournalError.at(arg, read.torn.line, `not a journal: ${read.torn.reason}, and no run event comes before it`);
  }
  if (read.events.length === 0) {
    // Not a usage mistake: the file is there and holds no run (an older Squad Studio left one behind
    // when a run failed before its first event). Said plainly, without a --help hint; exit 2.
    throw new JournalError(`${arg}: the journal is empty (no run.started): no run was recorded in it, so there is nothing to replay; delete the file`, { path });
  }
  return { ...read, path };
}

/** An edited squad file named by a flag (`--squad`, `--edit`): its text and the path to show for it. */
export async function readSquadArg(flag: string, path: string, cwd: string): Promise<{ text: string; path: string }> {
  try {
    return { text: await readFile(resolve(cwd, path), 'utf8'), path: relative(cwd, resolve(cwd, path)) || path };
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${fileProblem(error)}`);
  }
}
