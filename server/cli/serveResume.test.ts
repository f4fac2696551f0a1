import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerFile } from '../http/serverFile';
import { SquadClient } from '../http/squadClient';
import { batchLoopSquad } from '../testing/batchLoopSquad';
import { CLI, startCli, type CliProcess } from '../cluster/testing/cliProcess';

/**
 * `squad serve --resume`, end to end through the bundled CLI: a run is interrupted by a shutdown
 * (SIGTERM: held at a checkpoint) or a crash (SIGKILL of the server), and a server restarted with
 * --resume finishes it with the journal an uninterrupted run with the same seed writes, byte for byte.
 */
const ROUNDS = 1000;
const SQUAD = batchLoopSquad({ name: 'resume-loop', rounds: ROUNDS });

let dir: string;
const children: CliProcess[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-serve-resume-'));
  await writeFile(join(dir, 'loop.squad.yaml'), SQUAD);
});
afterAll(async () => {
  await Promise.all(children.map((p) => p.stop('SIGKILL')));
  await rm(dir, { recursive: true, force: true });
});

interface Server {
  process: CliProcess;
  client: SquadClient;
}

async function serve(...flags: string[]): Promise<Server> {
  const p = startCli(['serve', '--workspace', dir, ...flags]);
  children.push(p);
  const url = (await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 30_000))[1]!;
  const file = await readServerFile(dir);
  return { process: p, client: new SquadClient(url, file!.token) };
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, ms = 120_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** The journal of an uninterrupted run with this seed and tenant, by `squad run`. */
function reference(seed: number, tenant: string): Promise<Buffer> {
  const path = join(dir, `reference-${seed}.jsonl`);
  return new Promise((done, fail) =>
    execFile(process.execPath, [CLI, 'run', 'loop.squad.yaml', '--seed', String(seed), '--tenant', tenant, '--journal', path, '--json'], { cwd: dir, timeout: 120_000 }, (error) =>
      error ? fail(new Error(`the reference run failed: ${error.message}`, { cause: error })) : done(readFile(path)),
    ),
  );
}

async function interruptAndResume(seed: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const tenant = `acme-${seed}`;
  const first = await serve();
  const run = await first.client.startRun({ file: 'loop.squad.yaml', seed, tenant });
  const journal = join(dir, '.squad', 'runs', `${run.id}.jsonl`);
  // Under way on disk, not only in the server: `lastSeq` counts events still in the writer's group
  // commit, and a kill before the first commit leaves an empty journal, which is no saved run at all.
  await waitFor('60 events of the run to be durable', async () => (countLines(await readFile(journal, 'utf8').catch(() => '')) >= 60 ? true : null));
  await first.process.stop(signal);
  expect(await readFile(journal, 'utf8')).not.toContain('"type":"run.completed"');

  // Without --resume the run is listed as interrupted, with a hint in the log.
  const plain = await serve();
  const listed = await plain.client.run(run.id);
  expect(listed).toMatchObject({ state: 'interrupted', tenant, live: false });
  expect(await plain.process.stop()).toBe(0);
  expect(plain.process.output()).toMatch(/interrupted run\(s\) in \.squad\/runs \(.*\): restart with --resume/);
  expect(plain.process.output()).toContain(run.id);

  // With --resume it is a run of the new session again, its tenant's, and it finishes.
  const second = await serve('--resume');
  expect(second.process.output()).toContain(`resuming 1 interrupted run(s): ${run.id}`);
  const resumed = await waitFor('the resumed run to end', async () => {
    const info = await second.client.run(run.id);
    return info.state === 'running' || info.state === 'queued' ? null : info;
  });
  expect(resumed).toMatchObject({ state: 'completed', tenant, live: true, seed });
  // Past 10,000 events: the journal's limit warning is in the server's run info.
  expect(resumed.lastSeq).toBeGreaterThan(10_001);
  expect(resumed.journalLimits).toEqual([expect.objectContaining({ seq: 10_001, limit: 'events', threshold: 10_000, events: 10_000 })]);
  expect((await second.client.runs({ tenant })).map((r) => r.id)).toEqual([run.id]);
  expect(await second.process.stop()).toBe(0);

  // The same journal as a run that was never interrupted, byte for byte (a torn line cut off).
  expect((await readFile(journal)).equals(await reference(seed, tenant))).toBe(true);
}

describe('squad serve --resume', () => {
  it('finishes a run interrupted by a shutdown (SIGTERM) as if it had never stopped', { timeout: 300_000 }, async () => {
    await interruptAndResume(11, 'SIGTERM');
  });

  it('finishes a run interrupted by a crash of the server (SIGKILL) as if it had never stopped', { timeout: 300_000 }, async () => {
    await interruptAndResume(12, 'SIGKILL');
  });
});
