import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containedPath, SQUAD_SUFFIXES } from './pathContainment';

let root: string;
let ws: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'squad-contain-'));
  ws = join(root, 'ws');
  await mkdir(join(ws, 'sub'), { recursive: true });
  await writeFile(join(ws, 'sub', 'a.squad.yaml'), 'x');
  await writeFile(join(ws, 'notes.txt'), 'x');
  await writeFile(join(root, 'secret.squad.yaml'), 'x');
  await symlink(join(root, 'secret.squad.yaml'), join(ws, 'link.squad.yaml'));
  await symlink(join(ws, 'notes.txt'), join(ws, 'disguised.squad.yaml'));
  await symlink(root, join(ws, 'up'));
  await symlink(join(root, 'nowhere.json'), join(ws, 'dangling.json'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const failure = (path: string, options: Parameters<typeof containedPath>[2] = { suffixes: SQUAD_SUFFIXES }) =>
  containedPath(ws, path, options).then(
    () => 'ok',
    (e: unknown) => (typeof e === 'object' && e !== null && 'failure' in e && typeof e.failure === 'string' ? e.failure : 'thrown'),
  );

describe('containedPath', () => {
  it('resolves a squad file inside the workspace to its real path', async () => {
    expect(await containedPath(ws, 'sub/../sub/a.squad.yaml', { suffixes: SQUAD_SUFFIXES })).toMatchObject({ relative: 'sub/a.squad.yaml' });
  });

  it('refuses what leaves the workspace, lexically or through a link, as "outside", whether or not it exists', async () => {
    for (const path of ['../secret.squad.yaml', '../missing.squad.yaml', '/etc/x.squad.yaml', 'link.squad.yaml', 'up/secret.squad.yaml', 'sub/../../secret.squad.yaml']) {
      expect(await failure(path), path).toBe('outside');
    }
  });

  it('answers "missing" only inside the workspace, and checks the suffix on the real path too', async () => {
    expect(await failure('sub/none.squad.yaml')).toBe('missing');
    expect(await failure('notes.txt')).toBe('suffix');
    expect(await failure('disguised.squad.yaml')).toBe('suffix');
    expect(await failure('a\0.squad.yaml')).toBe('invalid');
  });

  it('for a file to write: its nearest existing folder must be inside, a dangling link is refused, and `under` holds', async () => {
    const write = { suffixes: ['.json'], mustExist: false } as const;
    expect(await containedPath(ws, '.squad/layout/sub/a.squad.yaml.json', { ...write, under: '.squad/layout' })).toMatchObject({ relative: '.squad/layout/sub/a.squad.yaml.json' });
    expect(await failure('up/new/x.json', write)).toBe('outside');
    expect(await failure('dangling.json', write)).toBe('outside');
    expect(await failure('sub/x.json', { ...write, under: '.squad/layout' })).toBe('outside');
  });
});
