import { open } from 'node:fs/promises';

/** Bytes read at a time while looking for the first newline (a first line holds the squad file). */
const CHUNK_BYTES = 64 * 1024;

/**
 * True when the journal at `path` holds at least one complete line, that is, when its run wrote its
 * first event: a crash can only tear a journal's last line, so a journal without a newline is empty
 * or torn in its first line, and nothing in it can be resumed. Reads up to the first newline, not
 * the journal. A missing or unreadable file holds no line.
 *
 * A complete first line is not checked further: if it is not a valid event the journal is corrupt,
 * which is for a reader to report, not a reason to start the run again over it.
 */
export async function hasCompleteLine(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return false;
      const newline = chunk.indexOf(0x0a);
      if (newline >= 0 && newline < bytesRead) return true;
    }
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}
