import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/useTempDir';
import { hasCompleteLine } from './hasCompleteLine';

describe('hasCompleteLine', () => {
  const temp = useTempDir('squad-complete-line-');
  const file = async (content: string | Buffer): Promise<string> => {
    const path = join(temp.path, 'run.jsonl');
    await writeFile(path, content);
    return path;
  };

  it('is false for a missing file, an empty one and a first line torn before its newline', async () => {
    expect(await hasCompleteLine(join(temp.path, 'none.jsonl'))).toBe(false);
    expect(await hasCompleteLine(await file(''))).toBe(false);
    expect(await hasCompleteLine(await file('{"runId":"r","seq":1,"type":"run.sta'))).toBe(false);
  });

  it('is true once the first line is complete, however long it is', async () => {
    expect(await hasCompleteLine(await file('{"seq":1}\n'))).toBe(true);
    // A first line longer than one read (it holds the squad file): the newline is in a later chunk.
    const long = `{"text":"${'x'.repeat(200_000)}"}\n{"seq":2}`;
    expect(await hasCompleteLine(await file(long))).toBe(true);
    expect(await hasCompleteLine(await file(`{"text":"${'x'.repeat(200_000)}`))).toBe(false);
  });

  it('is true for a complete first line that is not an event: a corrupt journal is kept for its reader to report', async () => {
    expect(await hasCompleteLine(await file('garbage\n{"seq":2}\n'))).toBe(true);
  });
});
