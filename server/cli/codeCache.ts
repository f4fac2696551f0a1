import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script, constants } from 'node:vm';

/** What `runWithCodeCache` did with the cache: for tests and `SQUAD_CODE_CACHE=report`. */
export type CodeCacheUse = 'used' | 'made' | 'rejected' | 'off';

/**
 * Runs a CommonJS bundle as `require` would, with V8's code cache kept in `cacheDir`. Compiling the
 * `squad` command's bundle is about a tenth of a `squad run`; with the cache V8 reads the compiled
 * code (of every function the process that made the cache called) instead of parsing the source.
 * Node 20 has no code cache for ES modules and no `module.enableCompileCache`, hence this loader.
 *
 * Contracts:
 * - A cache is never trusted for a bundle it was not made from. V8 itself checks only the source's
 *   length (plus its own version and flags), so the file is named after the bundle's size, mtime
 *   and inode and this Node's version and arch: a rebuilt or replaced bundle, or another Node, looks
 *   for another file. A file whose checksum fails (damaged, truncated) is not given to V8 at all;
 *   it and whatever V8 rejects (another V8's, other flags) are compiled from source as if there
 *   were no cache, and the cache is made again.
 * - One cache per code path (`cache.path`: the `squad` command) is made at exit, once, by the first
 *   process on that path that found none (or found it rejected): it holds what that process
 *   compiled, so `squad validate` does not leave `squad run` a cache without the engine in it. It is written to a temporary name and renamed, so processes
 *   starting at once read either no cache or a whole one.
 * - `cache.dir` sits beside the bundle: the cache is code, so it lives where the code does, never in a
 *   shared temporary directory another user could write. A directory that cannot be written (a
 *   read-only install) only means no cache: no error, no message.
 * - V8 flags that change compiled code must be set before this runs, in every process alike: a
 *   cache made under other flags is rejected (and made again).
 */
export function runWithCodeCache(file: string, cache: { dir: string; path: string } | null): CodeCacheUse {
  // One open file for its bytes and its fingerprint, so a bundle replaced meanwhile cannot pair the
  // old bytes with the new one's cache.
  const fd = openSync(file, 'r');
  let bytes: Buffer;
  let stats: Stats;
  try {
    stats = fstatSync(fd);
    bytes = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  // esbuild writes ASCII (it escapes the rest): read as Latin-1 then, which skips UTF-8 decoding.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const cachePath = cache === null ? null : join(cache.dir, `${basename(file, '.js')}.${cache.path}.${fingerprint(stats)}.v8`);
  const found = cachePath === null ? null : readCache(cachePath);
  const cached = found === null || found === 'corrupt' ? undefined : found;
  const script = new Script(wrap(source), {
    filename: file,
    ...(cached ? { cachedData: cached } : {}),
    // The bundle's import() of Node's own modules ('node:readline', 'http'): as in any CommonJS module.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const use: CodeCacheUse = cachePath === null ? 'off' : found === 'corrupt' || script.cachedDataRejected === true ? 'rejected' : !cached ? 'made' : 'used';
  if (cachePath !== null && use !== 'used') process.once('exit', () => writeCache(script, cachePath));
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return use;
}

function fingerprint(s: Stats): string {
  return createHash('sha256').update(`${s.size}:${s.mtimeMs}:${s.ino}:${process.version}:${process.arch}`).digest('hex').slice(0, 16);
}

/**
 * The cache's bytes if its checksum holds, 'corrupt' if not, null if there is none. The checksum is
 * ours: release builds of V8 do not check a code cache's own, and deserializing damaged bytes
 * aborts the process ("Fatal error … unreachable code") instead of rejecting them.
 */
function readCache(path: string): Buffer | 'corrupt' | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return null;
  }
  const data = bytes.subarray(DIGEST_BYTES);
  return bytes.length > DIGEST_BYTES && digest(data).equals(bytes.subarray(0, DIGEST_BYTES)) ? data : 'corrupt';
}

const DIGEST_BYTES = 32;
const digest = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

function writeCache(script: Script, path: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    try {
      mkdirSync(dirname(path));
    } catch {
      // There already, or not writable: the write below says which.
    }
    const data = script.createCachedData();
    writeFileSync(temporary, Buffer.concat([digest(data), data]));
    renameSync(temporary, path);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Never written (no folder to write in): nothing to remove.
    }
  }
}
