import { open } from 'node:fs/promises';
import { readJournalFile } from './readJournal';

/**
 * True when a journal's last complete line is not `run.completed` (read from the end, so telling
 * finished runs apart costs one small read per journal however long it is).
 */
export async function endsUnfinished(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const size = (await handle.stat()).size;
    if (size === 0) return false;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    const end = text.endsWith('\n') ? text.length - 1 : text.lastIndexOf('\n'); // a torn tail is dropped
    const start = text.lastIndexOf('\n', end - 1) + 1;
    if (end >= 0 && !(start === 0 && length < size)) return !/^\{"runId":"[^"]*","seq":\d+,"type":"run\.completed"/.test(text.slice(start, end));
  } finally {
    await handle.close();
  }
  // The last line is longer than the window (a long result): read the journal.
  try {
    return (await readJournalFile(path)).events.at(-1)?.type !== 'run.completed';
  } catch {
    return false; // unreadable: not a run to resume (the listing says why)
  }
}
