import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** The repository's root, for samples. */
export const ROOT = resolve(__dirname, '../..');
/** The bundled CLI, run as a user runs it (`npm run build` makes it). */
export const CLI = join(ROOT, 'dist/cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliWorkspace {
  /** The throwaway directory (valid inside tests: made in `beforeAll`, removed in `afterAll`). */
  readonly dir: string;
  /**
   * `squad …args` in the directory (or `cwd`), colour off, `env` over the test's; never rejects (a
   * failure is its exit code). `cli`: another copy of the bin than dist/cli.js.
   */
  readonly squad: (args: readonly string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string; cli?: string }) => Promise<CliResult>;
}

/**
 * A throwaway working directory for the suite that calls it (at the top level of a test file), and a
 * runner for the bundled CLI in it. Each run has a timeout, so a CLI that hangs fails its test.
 */
export function useCliWorkspace(prefix: string, options: { timeoutMs?: number } = {}): CliWorkspace {
  let dir: string | null = null;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const cwd = (): string => {
    if (dir === null) throw new Error('useCliWorkspace: the directory exists only inside tests');
    return dir;
  };
  return {
    get dir() {
      return cwd();
    },
    squad: (args, { env = {}, cwd: at = cwd(), cli = CLI } = {}) =>
      new Promise((done) => {
        execFile(
          process.execPath,
          [cli, ...args],
          { cwd: at, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      }),
  };
}
