import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunStartRecordSchema, type RunStartRecord } from '../../protocol/runStartRecord';

/**
 * The start records of the embedded server's runs (see `RunStartRecord`), one beside each journal:
 * `<dir>/<id>.jsonl` has `<dir>/<id>.start.json`. Not `.jsonl`, so no journal listing sees them.
 */
export const runStartRecords = {
  pathOf(journalPath: string): string {
    return `${journalPath.replace(/\.jsonl$/, '')}.start.json`;
  },

  /** The journal paths in `dir` that have a start record beside them (their journals may be missing), by id. */
  async journalsIn(dir: string): Promise<string[]> {
    const names = await readdir(dir).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith('.start.json'))
      .sort()
      .map((n) => join(dir, `${n.slice(0, -'.start.json'.length)}.jsonl`));
  },

  /** Written whole before the start is answered (a SIGKILL does not lose what the kernel has). */
  async write(journalPath: string, record: RunStartRecord): Promise<void> {
    await writeFile(this.pathOf(journalPath), JSON.stringify(record), { mode: 0o600 });
  },

  /** The record beside this journal; null when there is none or it does not parse (a torn write). */
  async read(journalPath: string): Promise<RunStartRecord | null> {
    const text = await readFile(this.pathOf(journalPath), 'utf8').catch(() => null);
    if (text === null) return null;
    try {
      const parsed = RunStartRecordSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  },

  drop(journalPath: string): Promise<void> {
    return rm(this.pathOf(journalPath), { force: true });
  },
};
