import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunInfo } from '../../protocol/api/runInfo';
import { SAMPLE, SAMPLE_FILE, startTestServer, until, type TestServer } from '../http/testServer';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { RunManager } from './runManager';
import { ThreadRunHost } from './threadRunHost';

/**
 * The embedded server with its runs on run threads (`dist/runThread.js`, so this test needs the
 * build): the same journals as on the HTTP thread, control across the thread, the HTTP thread
 * answering while the threads are busy, and a thread that dies.
 */
const SCRIPT = resolve(__dirname, '../../dist/runThread.js');

const servers: TestServer[] = [];
const managers: RunManager[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function server(runThreads: number): Promise<TestServer> {
  const s = await startTestServer({ runThreads, runThreadScript: SCRIPT, writeServerFile: false });
  servers.push(s);
  return s;
}

/** A squad whose run is `rounds` hand-offs each way, no guardrail near tripping: CPU only (simulated models, virtual clock), thousands of events. */
function longSquad(rounds: number): string {
  const high = 10 * rounds + 10;
  return `version: 1
name: long-loop
task: { entry: planner, input: Go. }
models: { mini: { provider: simulated, model: gpt-4.1-mini } }
guardrails:
  maxTurnsPerAgent: ${high}
  maxRunTurns: ${high}
  budgetUsd: 5
  runTimeoutMs: ${high * 60_000}
  loop: { repeatedState: ${high}, pingPong: ${high} }
  chatter: { maxMessagesPerEdge: ${high}, maxTokensPerEdge: 1000000000, minCoordinationTokens: 1000000000 }
agents:
  planner:
    role: planner
    model: mini
    context: turn
    handoffs: [worker]
    script:
      - handoff: { to: worker, content: Do the next part. }
        repeat: ${rounds}
      - finish: All parts done.
  worker:
    role: worker
    model: mini
    context: turn
    handoffs: [planner]
    script:
      - handoff: { to: planner, content: Part done. }
        repeat: ${rounds}
`;
}

const ENDED = new Set(['completed', 'failed', 'halted', 'cancelled', 'interrupted', 'refused']);

async function ended(s: TestServer, id: string, timeoutMs = 60_000): Promise<RunInfo> {
  let info: RunInfo | undefined;
  await until(async () => ENDED.has((info = await s.client.run(id)).state), timeoutMs);
  return info!;
}

async function journalOf(s: TestServer, info: RunInfo): Promise<string> {
  const detail = await s.client.run(info.id);
  return readFile(join(s.workspace, (detail as { journal: string }).journal), 'utf8');
}

describe('run threads', { timeout: 120_000 }, () => {
  it('journal byte for byte what a run on the HTTP thread journals, for each profile and seed', async () => {
    const threads = await server(2);
    const inline = await server(0);
    for (const [profile, seed] of [
      ['local', 1],
      ['staging', 7],
    ] as const) {
      const a = await threads.client.startRun({ file: SAMPLE_FILE, profile, seed });
      const b = await inline.client.startRun({ file: SAMPLE_FILE, profile, seed });
      const [ea, eb] = [await ended(threads, a.id), await ended(inline, b.id)];
      expect(ea.state).toBe(eb.state);
      expect(ea.usage).toEqual(eb.usage);
      const [ja, jb] = [await journalOf(threads, a), await journalOf(inline, b)];
      expect(ja.length).toBeGreaterThan(1000);
      expect(ja).toBe(jb);
    }
  });

  it('pause, step and resume reach the engine on its thread, and the server sees where it is held', async () => {
    const s = await server(1);
    const run = await s.client.startRun({ file: SAMPLE_FILE, profile: 'local', seed: 3, paused: true });
    let info: RunInfo | undefined;
    await until(async () => (info = await s.client.run(run.id)).held !== null, 20_000);
    expect(info!.state).toBe('paused');
    const first = info!.held!;
    const seqAtFirst = info!.lastSeq;
    await s.client.control(run.id, 'step');
    await until(async () => {
      info = await s.client.run(run.id);
      return info.held !== null && info.lastSeq > seqAtFirst;
    }, 20_000);
    expect(info!.held).not.toEqual(null);
    expect(info!.lastSeq).toBeGreaterThan(seqAtFirst);
    expect(first.kind).toBe('turn');
    await s.client.control(run.id, 'resume');
    expect((await ended(s, run.id)).state).toBe('completed');
    // The stepped run journals what an unpaused one does: pauses are not in the journal.
    const plain = await s.client.startRun({ file: SAMPLE_FILE, profile: 'local', seed: 3 });
    await ended(s, plain.id);
    expect(await journalOf(s, run)).toBe(await journalOf(s, plain));
  });

  it('cancel a run held on its thread: it ends cancelled, its journal closed with run.completed', async () => {
    const s = await server(1);
    const run = await s.client.startRun({ file: SAMPLE_FILE, profile: 'local', seed: 4, paused: true });
    await until(async () => (await s.client.run(run.id)).held !== null, 20_000);
    expect((await s.client.control(run.id, 'cancel')).state).toBe('cancelled');
    const lines = (await journalOf(s, run)).trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: 'run.completed', status: 'cancelled' });
  });

  it('answer /healthz while CPU-heavy runs execute on the threads', async () => {
    const s = await server(2);
    await writeFile(join(s.workspace, 'long.squad.yaml'), longSquad(400));
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => s.client.startRun({ file: 'long.squad.yaml', profile: 'local', seed: 10 + i }).then((r) => r.id)));
    // Ordering, not durations: every answer below arrived while no run had ended yet.
    await until(async () => (await s.client.runs()).some((r) => r.state === 'running' && r.lastSeq > 0), 20_000);
    let answers = 0;
    for (let i = 0; i < 20; i++) {
      const health = await fetch(`${s.url}/healthz`);
      expect(health.status).toBe(200);
      const states = ids.map((id) => s.server.manager.stateOf(id));
      if (states.some((st) => st !== null && ENDED.has(st))) break;
      answers += 1;
    }
    expect(answers).toBeGreaterThanOrEqual(3);
    for (const id of ids) {
      const info = await ended(s, id, 120_000);
      expect(info.state).toBe('completed');
      expect(info.lastSeq).toBeGreaterThan(2000);
    }
  });

  it("hold a throttled tenant to its limits through the HTTP thread's limiter, journals unchanged, and meter the appends", async () => {
    const tenants = { defaults: {}, tenants: { tight: { requestsPerMinute: 4, tokensPerMinute: 1e9, maxConcurrentRuns: 8, maxRateLimitWaitMs: 36_000_000 } } };
    const threads = await startTestServer({ runThreads: 2, runThreadScript: SCRIPT, writeServerFile: false, tenants });
    servers.push(threads);
    const alone = await server(0);
    const started = await Promise.all([1, 2, 3, 4].map((seed) => threads.client.startRun({ file: SAMPLE_FILE, seed, tenant: 'tight', profile: 'production' })));
    const infos = await Promise.all(started.map((r) => ended(threads, r.id, 120_000)));
    expect(infos.map((i) => i.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(infos.reduce((n, r) => n + r.rateLimit.waits, 0)).toBeGreaterThan(0); // the tenant's limiter made calls wait
    const tenant = (await threads.client.tenants()).find((t) => t.id === 'tight')!;
    expect(tenant.rateLimit.waits).toBeGreaterThan(0);
    const solo = await alone.client.startRun({ file: SAMPLE_FILE, seed: 1, tenant: 'tight', profile: 'production' });
    await ended(alone, solo.id, 120_000);
    expect(await journalOf(threads, infos[0]!)).toBe(await journalOf(alone, solo));
    const metrics = await (await fetch(`${threads.url}/metrics`, { headers: { authorization: `Bearer ${threads.token}` } })).text();
    expect(metrics).toMatch(/squad_journal_append_seconds_count\{store="file"\} [1-9]/);
  });

  it('fail, not hang, the runs of a thread that dies, and take new runs on a fresh thread', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'squad-run-threads-'));
    await copyFile(SAMPLE, join(workspace, SAMPLE_FILE));
    const host = new ThreadRunHost({ threads: 1, script: SCRIPT });
    const m = new RunManager({ workspace, tenants: new TenantRegistry(), host });
    managers.push(m);
    try {
      const run = await m.start({ file: SAMPLE_FILE, profile: 'local', seed: 5, paused: true }, { tenant: null });
      await until(async () => (await m.list({ limit: 10 }, { tenant: null }))[0]?.held !== null, 20_000);
      const [worker] = host.workers();
      expect(worker).toBeDefined();
      await worker!.terminate();
      await until(() => m.stateOf(run.id) === 'failed', 20_000);
      const detail = await m.detail(run.id, { tenant: null });
      expect(detail.reason).toMatch(/run thread stopped/);
      const next = await m.start({ file: SAMPLE_FILE, profile: 'local', seed: 5, paused: false }, { tenant: null });
      await until(() => m.stateOf(next.id) === 'completed', 60_000);
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });
});
