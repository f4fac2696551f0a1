import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/randomSource';
import { parseJournal } from '../store/readJournal';
import { batchLoopSquad } from '../testing/batchLoopSquad';

/**
 * Crash recovery, for real: the bundled CLI runs a squad in a child process, which is killed with
 * SIGKILL at seeded random moments, again and again, and `squad resume` picks the run up each time.
 * Whatever the kills hit (a half-written line, a group commit in flight, the engine mid-turn), the
 * finished journal must be byte for byte the journal of an uninterrupted run with the same seed: no
 * acknowledged message lost or delivered twice, no model or tool call made again, the same result.
 */
const CLI = resolve(__dirname, '../../dist/cli.js');
const KILLS = 200;
const RUNS = 8;

const squad = (rounds: number): string => batchLoopSquad({ name: 'crash-loop', rounds });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-crash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI; kills it with SIGKILL after `killAfterMs` unless it ends first. */
function cli(args: string[], killAfterMs: number | null): Promise<{ code: number | null; killed: boolean; ms: number }> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: 'ignore' });
    let killed = false;
    const timer =
      killAfterMs === null
        ? null
        : setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, killAfterMs);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      done({ code, killed: killed && code === null, ms: performance.now() - started });
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('crash recovery', () => {
  it(`survives ${KILLS} SIGKILLs at random moments with journals identical to uninterrupted runs`, { timeout: 1_200_000 }, async () => {
    const random = seededRandom(2026);
    const perRun = Math.ceil(KILLS / RUNS);
    let kills = 0;

    const crashRun = async (run: number): Promise<void> => {
      const file = join(dir, `batch-${run}.squad.yaml`);
      await writeFile(file, squad(40 + run * 5));
      const seed = String(run + 1);
      const reference = join(dir, `reference-${run}.jsonl`);
      const clean = await cli(['run', file, '--seed', seed, '--journal', reference, '--json'], null);
      expect(clean.code).toBe(0);
      const journal = join(dir, `crashed-${run}.jsonl`);
      let mine = 0;
      for (let attempt = 1; ; attempt++) {
        expect(attempt).toBeLessThan(perRun * 12); // bounded: once its kills are done, a run finishes
        const started = (await exists(journal)) && parseJournal(await readFile(journal, 'utf8'), journal).events.length > 0;
        if (!started) await rm(journal, { force: true }); // killed before run.started reached the disk
        const args = started ? ['resume', journal, '--json'] : ['run', file, '--seed', seed, '--journal', journal, '--json'];
        // Within the first 70% of a clean run's time: a resumed run replays its prefix fast, so later
        // kills would mostly miss it.
        const killAt = mine < perRun ? Math.round(clean.ms * (0.1 + random.next() * 0.6)) : null;
        const result = await cli(args, killAt);
        if (result.killed) {
          mine += 1;
          kills += 1;
          continue;
        }
        expect({ run, code: result.code }).toEqual({ run, code: 0 });
        // A run that ended before its kill landed is still owed its kills: start it over from scratch.
        if (mine < perRun) {
          await rm(journal, { force: true });
          continue;
        }
        break;
      }
      const [want, got] = await Promise.all([readFile(reference, 'utf8'), readFile(journal, 'utf8')]);
      const events = parseJournal(got, journal).events;
      // Every message consumed and acknowledged exactly once, and the same decisions as a clean run.
      const consumed = events.flatMap((e) => (e.type === 'agent.turn.started' ? e.consumed : []));
      const acked = events.flatMap((e) => (e.type === 'agent.turn.completed' ? e.acked : []));
      expect(new Set(consumed).size).toBe(consumed.length);
      expect(new Set(acked).size).toBe(acked.length);
      expect(events.filter((e) => e.type === 'model.request').length).toBe(parseJournal(want, reference).events.filter((e) => e.type === 'model.request').length);
      expect({ run, identical: got === want }).toEqual({ run, identical: true });
    };

    // Two children at a time: the kills land while the other run competes for the CPU, as in life.
    for (let run = 0; run < RUNS; run += 2) await Promise.all([crashRun(run), crashRun(run + 1)]);
    expect(kills).toBeGreaterThanOrEqual(KILLS);
  });
});
