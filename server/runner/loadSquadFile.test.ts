import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import { loadSquadFile } from './loadSquadFile';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadSquadFile', () => {
  it('refuses a file saved as Latin-1 at the first byte that is not UTF-8', async () => {
    const file = join(dir, 'latin1.squad.yaml');
    const text = 'version: 1\nname: x\ntask: { entry: a, input: "Prepare the r\u00e9sum\u00e9" }\n';
    await writeFile(file, Buffer.from(text, 'latin1'));
    const loaded = await loadSquadFile(file);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map(formatDiagnostic)).toEqual([`${file}:3:40: byte 0xE9 is not valid UTF-8: save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)`]);
  });

  it('refuses a NUL byte at its line and column', async () => {
    const file = join(dir, 'nul.squad.yaml');
    await writeFile(file, 'version: 1\nname: a\u0000b\n');
    const loaded = await loadSquadFile(file);
    expect(!loaded.ok && loaded.errors.map(formatDiagnostic)[0]).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:2:8: a NUL character`));
  });
});
