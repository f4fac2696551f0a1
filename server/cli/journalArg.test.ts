import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JournalError } from '../store/journalError';
import { readJournalArg } from './journalArg';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-journal-arg-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readJournalArg', () => {
  it('says plainly that an empty journal holds no run (a JournalError: exit 2, no --help hint)', async () => {
    await writeFile(join(dir, 'empty.jsonl'), '');
    const error = await readJournalArg('empty.jsonl', dir, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalError);
    expect((error as Error).message).toBe('empty.jsonl: the journal is empty (no run.started): no run was recorded in it, so there is nothing to replay; delete the file');
  });
});
