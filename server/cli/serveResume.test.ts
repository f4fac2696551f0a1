import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerFile } from '../http/serverFile';
import { SquadClient } from '../http/squadClient';
import { batchLoopSquad } from '../testing/batchLoopSquad';

/**
 * `squad serve --resume`, end to end through the bundled CLI: a run is interrupted by a shutdown
 * (SIGTERM: held at a checkpoint) or a crash (SIGKILL of the server), and a server restarted with
 * --resume finishes it with the journal an uninterrupted run with the same seed writes, byte for byte.
 */
const CLI = resolve(__dirname, '../../dist/cli.js');
const ROUNDS = 1000;
const SQUAD = batchLoopSquad({ name: 'resume-loop', rounds: ROUNDS });

let dir: string;
const children: ChildProcess[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-serve-resume-'));
  await writeFile(join(dir, 'loop.squad.yaml'), SQUAD);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

interface Server {
  child: ChildProcess;
  client: SquadClient;
  exited: Promise<number | null>;
  stderr: () => string;
}

async function serve(...flags: string[]): Promise<Server> {
  const child = spawn(process.execPath, [CLI, 'serve', '--workspace', dir, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const started = Date.now();
  while (!/listening on (http:\/\/127\.0\.0\.1:\d+)/.test(out)) {
    if (Date.now() - started > 30_000 || child.exitCode !== null) throw new Error(`no listening line: ${out} ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
  const file = await readServerFile(dir);
  return { child, client: new SquadClient(url, file!.token), exited, stderr: () => err };
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
  await waitFor('the run to be under way', async () => ((await first.client.run(run.id)).lastSeq >= 60 ? true : null));
  first.child.kill(signal);
  await first.exited;
  const journal = join(dir, '.squad', 'runs', `${run.id}.jsonl`);
  expect(await readFile(journal, 'utf8')).not.toContain('"type":"run.completed"');

  // Without --resume the run is listed as interrupted, with a hint in the log.
  const plain = await serve();
  const listed = await plain.client.run(run.id);
  expect(listed).toMatchObject({ state: 'interrupted', tenant, live: false });
  plain.child.kill('SIGTERM');
  expect(await plain.exited).toBe(0);
  expect(plain.stderr()).toMatch(/interrupted run\(s\) in \.squad\/runs \(.*\): restart with --resume/);
  expect(plain.stderr()).toContain(run.id);

  // With --resume it is a run of the new session again, its tenant's, and it finishes.
  const second = await serve('--resume');
  expect(second.stderr()).toContain(`resuming 1 interrupted run(s): ${run.id}`);
  const resumed = await waitFor('the resumed run to end', async () => {
    const info = await second.client.run(run.id);
    return info.state === 'running' || info.state === 'queued' ? null : info;
  });
  expect(resumed).toMatchObject({ state: 'completed', tenant, live: true, seed });
  // Past 10,000 events: the journal's limit warning is in the server's run info.
  expect(resumed.lastSeq).toBeGreaterThan(10_001);
  expect(resumed.journalLimits).toEqual([expect.objectContaining({ seq: 10_001, limit: 'events', threshold: 10_000, events: 10_000 })]);
  expect((await second.client.runs({ tenant })).map((r) => r.id)).toEqual([run.id]);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);

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
