import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/useTempDir';
import { makeDirectory } from './makeDirectory';

describe('makeDirectory', () => {
  const temp = useTempDir('squad-mkdir-');

  it('makes every missing level, and is content with a directory that exists', async () => {
    const deep = join(temp.path, 'a', 'b', 'c');
    await makeDirectory(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    await makeDirectory(deep);
    await makeDirectory(temp.path);
  });

  it('makes the same levels from many callers at once', async () => {
    const deep = join(temp.path, 'x', 'y', 'z');
    await Promise.all(Array.from({ length: 8 }, () => makeDirectory(deep)));
    expect((await stat(deep)).isDirectory()).toBe(true);
  });

  it('fails, not hangs, under /proc, where a recursive mkdir of Node 20 never settles', async () => {
    await expect(makeDirectory('/proc/squad-studio-nope/runs')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails with ENOTDIR when a level is a file', async () => {
    await writeFile(join(temp.path, 'file'), 'x');
    await expect(makeDirectory(join(temp.path, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
