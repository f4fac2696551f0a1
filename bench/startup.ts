import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from './measure';

export interface StartupRow {
  /** What was started, as a user types it. */
  command: string;
  /** Median wall time of one process, start to exit, over the rounds. */
  medianMs: number;
  /** medianMs / the median of `node -e 0` measured in the same rounds. */
  ratio: number;
  /** The target ratio from issue #17, or null for the baseline itself. */
  target: number | null;
  /** The machine's 1-minute load average before and after the rounds: on a busy machine every figure (and the ratios) grows. */
  load: [number, number];
}

/**
 * Start-up of the `squad` command against a bare Node, side by side: each round starts `node -e 0`,
 * `squad --version`, `squad validate` and `squad run` of the credit memo (simulated models, the
 * local profile, a fixed seed) one after another, so load on the machine hits all of them alike.
 * Targets: `--version` within 2.5x of `node -e 0`, the credit-memo run within 4x. Needs dist/ built.
 *
 *   const rows = benchStartup({ rounds: 9 });
 */
export function benchStartup(options: { rounds?: number } = {}): StartupRow[] {
  const rounds = options.rounds ?? 9;
  const repo = findRepo(__dirname);
  const cli = join(repo, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const sample = join(repo, 'samples', 'credit-memo', 'credit-memo.squad.yaml');
  const dir = mkdtempSync(join(tmpdir(), 'squad-bench-startup-'));
  const subjects = [
    { command: 'node -e 0', args: ['-e', '0'], target: null },
    { command: 'squad --version', args: [cli, '--version'], target: 2.5 },
    { command: 'squad validate credit-memo', args: [cli, 'validate', sample], target: null },
    { command: 'squad run credit-memo --seed 1', args: (i: number) => [cli, 'run', sample, '--seed', '1', '--json', '--yes', '--journal', join(dir, `run-${i}.jsonl`)], target: 4 },
  ] as const;
  const times = subjects.map(() => [] as number[]);
  const loadBefore = loadavg()[0]!;
  try {
    for (let i = 0; i < rounds; i++) {
      subjects.forEach((s, k) => {
        const args = typeof s.args === 'function' ? s.args(i) : [...s.args];
        const began = performance.now();
        const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
        const ms = performance.now() - began;
        // A figure of a command that failed would measure an error path: refuse it.
        if (child.status !== 0) throw new Error(`${s.command} exited with ${child.status}: ${String(child.stderr)}`);
        times[k]!.push(ms);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const load: [number, number] = [loadBefore, loadavg()[0]!];
  const base = median(times[0]!);
  return subjects.map((s, k) => ({ command: s.command, medianMs: median(times[k]!), ratio: median(times[k]!) / base, target: s.target, load }));
}

function findRepo(from: string): string {
  for (let dir = from; ; dir = resolve(dir, '..')) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'samples'))) return dir;
    if (resolve(dir, '..') === dir) throw new Error(`no Squad Studio checkout above ${from}`);
  }
}
