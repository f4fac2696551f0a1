import { copyFile, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, useCliWorkspace, type CliResult } from '../testing/cliWorkspace';

const DIST = join(ROOT, 'dist');
const SAMPLE = join(ROOT, 'samples/credit-memo/credit-memo.squad.yaml');
const ws = useCliWorkspace('squad-code-cache-');

/** `squad validate` of the credit memo from a copy of the bin and its bundle, saying what the code cache did. */
const validate = (dist: string, setting = 'report'): Promise<CliResult> => ws.squad(['validate', SAMPLE], { cli: join(dist, 'cli.js'), env: { SQUAD_CODE_CACHE: setting } });

const said = (r: CliResult): string | undefined => /^squad: code cache (\w+)$/m.exec(r.stderr)?.[1];

describe("the CLI's code cache (dist/.cache)", () => {
  /** The bin and the bundle in a folder of their own, so the test owns the cache beside them. */
  async function copyOfDist(): Promise<string> {
    const dist = await mkdtemp(join(ws.dir, 'dist-'));
    for (const f of ['cli.js', 'cli-main.js']) await copyFile(join(DIST, f), join(dist, f));
    return dist;
  }
  const cacheFiles = async (dist: string): Promise<string[]> => (await readdir(join(dist, '.cache')).catch(() => [])).filter((f) => f.endsWith('.v8'));

  it('is made by the first run of a command, used by the next, and changes nothing the command prints', async () => {
    const dist = await copyOfDist();
    const first = await validate(dist);
    expect([first.code, said(first)]).toEqual([0, 'made']);
    const files = await cacheFiles(dist);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^cli-main\.validate\.[0-9a-f]{16}\.v8$/);
    expect((await stat(join(dist, '.cache', files[0]!))).size).toBeGreaterThan(10_000);
    const second = await validate(dist);
    expect([second.code, said(second), second.stdout]).toEqual([0, 'used', first.stdout]);
    const before = (await stat(join(dist, '.cache', files[0]!))).mtimeMs;
    const off = await validate(dist, 'off'); // compiled from source, the cache neither read nor written
    expect([off.code, off.stderr, off.stdout]).toEqual([0, '', first.stdout]);
    expect((await stat(join(dist, '.cache', files[0]!))).mtimeMs).toBe(before);
  });

  it('is made again when V8 rejects it (a corrupt file), and the command runs from source meanwhile', async () => {
    const dist = await copyOfDist();
    const first = await validate(dist);
    const [file] = await cacheFiles(dist);
    const path = join(dist, '.cache', file!);
    const good = await readFile(path);
    const corrupt = Buffer.from(good);
    for (let i = 64; i < corrupt.length; i += 97) corrupt[i] = corrupt[i]! ^ 0xff;
    await writeFile(path, corrupt);
    const rejected = await validate(dist);
    expect([rejected.code, said(rejected), rejected.stdout]).toEqual([0, 'rejected', first.stdout]);
    expect(await readFile(path)).not.toEqual(corrupt); // written anew at exit
    expect(said(await validate(dist))).toBe('used');
    for (const damaged of [Buffer.from('not a code cache'), good.subarray(0, good.length >> 1), Buffer.alloc(0)]) {
      await writeFile(path, damaged);
      const r = await validate(dist);
      expect([r.code, said(r), r.stdout]).toEqual([0, 'rejected', first.stdout]);
    }
  });

  it('is never used for another bundle: a rebuilt bundle looks for a cache of its own', async () => {
    const dist = await copyOfDist();
    await validate(dist);
    const bundle = join(dist, 'cli-main.js');
    // The same bytes written again (a rebuild of the same sources) still count as another bundle.
    const later = new Date(Date.now() + 5_000);
    await utimes(bundle, later, later);
    const rebuilt = await validate(dist);
    expect([rebuilt.code, said(rebuilt)]).toEqual([0, 'made']);
    expect(await cacheFiles(dist)).toHaveLength(2);
  });

  it('leaves no import() in the bundle: a script made from a code cache has no dynamic-import callback on Node 20', async () => {
    // esbuild prints a dynamic import as import("…"); the build turns those of Node's built-ins into
    // require (esbuild.mjs, builtinsAsRequire). One left would throw ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING
    // only on the code path that reaches it, and only once the cache is used.
    const bundle = await readFile(join(DIST, 'cli-main.js'), 'latin1');
    expect(bundle.match(/\bimport\("[^"]*"\)/g) ?? []).toEqual([]);
  });

  it('refuses a SQUAD_CODE_CACHE it does not know, saying which values it takes, and runs nothing', async () => {
    const dist = await copyOfDist();
    const r = await validate(dist, 'of');
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'squad: SQUAD_CODE_CACHE="of": use off or report, or leave it unset\n']);
    expect(await cacheFiles(dist)).toEqual([]);
  });

  it('is no error where it cannot be written: the command runs and says nothing of it', async () => {
    const dist = await copyOfDist();
    await writeFile(join(dist, '.cache'), 'a file where the cache folder would be');
    const reference = await validate(dist, 'off');
    for (let i = 0; i < 2; i++) {
      const r = await validate(dist, '');
      expect([r.code, r.stderr, r.stdout]).toEqual([0, '', reference.stdout]);
    }
    expect(said(await validate(dist))).toBe('made'); // never there to use
    await rm(join(dist, '.cache'));
  });
});
