import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The bundled CLI, from the sources (tests) or from dist/ (the bench is bundled there). */
export const CLI = __dirname.endsWith('dist') ? resolve(__dirname, 'cli.js') : resolve(__dirname, '../../../dist/cli.js');

/** Test support: a `squad …` process of the bundled CLI, its output kept, waited on by pattern. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; fails after `timeoutMs` (a bound). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  /** SIGTERM (or `signal`), then the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `prefix`: a command the CLI runs under, e.g. `ip netns exec NS` (which execs it: signals reach the CLI itself). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, prefix: readonly string[] = []): CliProcess {
  const argv = [...prefix, process.execPath, CLI, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  const listeners = new Set<() => void>();
  const take = (d: Buffer): void => {
    out += d.toString();
    for (const l of [...listeners]) l();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolvePromise, reject) => {
        const check = (): void => {
          const m = pattern.exec(out);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolvePromise(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} in the output of squad ${args[0]}: ${out}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() =>
          setTimeout(() => {
            if (listeners.has(check)) {
              listeners.delete(check);
              clearTimeout(timer);
              reject(new Error(`squad ${args[0]} exited before ${pattern}: ${out}`));
            }
          }, 50),
        );
        check();
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
