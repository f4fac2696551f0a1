import { open } from 'node:fs/promises';
import { readJournalFile } from './readJournal';

/** How much of a journal's end is read to find its last line: small first, as most last lines are. */
const WINDOWS = [4 * 1024, 64 * 1024];

/**
 * True when a journal's last complete line is not `run.completed` (read from the end, so telling
 * finished runs apart costs one small read per journal however long it is; `squad run` and the
 * server's start-up ask it of every journal in the workspace).
 */
export async function endsUnfinished(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const size = (await handle.stat()).size;
    if (size === 0) return false;
    for (const window of WINDOWS) {
      const length = Math.min(size, window);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const text = buffer.toString('utf8');
      const end = text.endsWith('\n') ? text.length - 1 : text.lastIndexOf('\n'); // a torn tail is dropped
      const start = text.lastIndexOf('\n', end - 1) + 1;
      if (end >= 0 && !(start === 0 && length < size)) return !/^\{"runId":"[^"]*","seq":\d+,"type":"run\.completed"/.test(text.slice(start, end));
      if (length === size) break;
    }
  } finally {
    await handle.close();
  }
  // The last line is longer than the largest window (a long result): read the journal.
  try {
    return (await readJournalFile(path)).events.at(-1)?.type !== 'run.completed';
  } catch {
    return false; // unreadable: not a run to resume (the listing says why)
  }
}
