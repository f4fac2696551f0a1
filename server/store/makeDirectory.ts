import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errnoCode } from './journalError';

/**
 * `mkdir -p`, one level at a time: finds the nearest existing ancestor of `dir`, then makes each
 * missing level on its own (one made meanwhile by another process is fine).
 *
 * Why not `mkdir(dir, { recursive: true })`: under a pseudo-filesystem such as /proc, Node 20's
 * never settles (a journal asked for at /proc/nope/run.jsonl held `squad run` for good, its thread
 * pool spinning). Here such a path fails with the error of its first missing level (ENOENT).
 */
export async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const exists = await stat(at).then(
      () => true,
      (error: unknown) => {
        if (errnoCode(error) === 'ENOENT') return false;
        throw error;
      },
    );
    if (exists) break;
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing.reverse()) {
    await mkdir(level).catch((error: unknown) => {
      if (errnoCode(error) !== 'EEXIST') throw error;
    });
  }
}
