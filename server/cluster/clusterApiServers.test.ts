import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FleetInfoSchema } from '../../protocol/api/fleetInfo';
import type { RunInfo } from '../../protocol/api/runInfo';
import type { ServerFrame } from '../../protocol/api/streamFrame';
import { SquadClient } from '../http/squadClient';
import { freshDatabase } from '../store/testing/freshDatabase';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../store/testing/throwawayPostgres';
import { composeClusterServer, type RunningClusterServer } from './composeClusterServer';
import { openSharedStores } from './openSharedStores';
import type { SharedStores } from './clusterStores';
import { RunWorker } from './runWorker';
import { memoryStores } from './testing/memoryStores';
import { SlowModelServer, slowPairSquad } from './testing/slowModelServer';

/**
 * What every API server of a deployment shows, whichever server started a run and whichever worker
 * holds it. Pause and step with `--store`: the run's state lives in the worker that holds it, and reaches every
 * API server through the shared queue. Two API servers and one worker on the same stores: a run
 * started paused shows `paused` with the checkpoint it is held at on both servers (run list, run
 * info, `/metrics` `squad_runs` by state, `/api/fleet`), a step moves the checkpoint, and a resume
 * shows it `running` again until it completes. Tenant subscriptions on the stream: runs of the tenant
 * started on another server appear live (run frames through to the end, and their events), those of
 * other tenants do not. On the in-process stores and on a real PostgreSQL.
 */
let cluster: ThrowawayPostgres | undefined;
beforeAll(async () => {
  cluster = await startThrowawayPostgres();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
}, 30_000);

let databases = 0;
const STORES: Record<string, () => Promise<SharedStores>> = {
  'in-process stores': async () => memoryStores(),
  PostgreSQL: async () => openSharedStores(await freshDatabase(cluster!.url, `cluster_api_${++databases}`)),
};

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const TOKEN = 'cluster-pause-test-token-0123456789';

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not reached in ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function pausedRunsGauge(server: RunningClusterServer): Promise<number> {
  const text = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith('squad_runs{') && l.includes('state="paused"') && l.includes('tenant="default"'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

async function fleetStateOf(server: RunningClusterServer, id: string): Promise<string | undefined> {
  const fleet = FleetInfoSchema.parse(await fetch(`${server.url}/api/fleet`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.json()));
  return fleet.workers.flatMap((w) => w.runs).find((r) => r.id === id)?.state;
}

async function deployment(kind: string): Promise<{ servers: RunningClusterServer[]; a: SquadClient; b: SquadClient; model: SlowModelServer }> {
  const model = await SlowModelServer.start(20);
  cleanup.push(() => model.close());
  const stores = await STORES[kind]!();
  cleanup.push(() => stores.close());
  const servers = await Promise.all([0, 1].map(() => composeClusterServer({ stores, workspace: '.', host: '127.0.0.1', port: 0, version: 'test', token: TOKEN })));
  for (const s of servers) cleanup.push(() => s.close());
  const worker = new RunWorker({ stores, concurrency: 2, leaseMs: 2000, id: 'w1' });
  worker.start();
  cleanup.push(() => worker.stop());
  const [a, b] = servers.map((s) => new SquadClient(s.url, TOKEN)) as [SquadClient, SquadClient];
  return { servers, a, b, model };
}

describe.each(Object.keys(STORES))('every API server of a deployment (%s)', (kind) => {
  it("streams a tenant's runs started on another server live, to their end, with their events, and no other tenant's", async () => {
    const { a, b, model } = await deployment(kind);
    const held = await a.startRun({ source: slowPairSquad(model.url), seed: 1, profile: 'local', tenant: 'acme', paused: true });
    await until(
      'held',
      () => a.run(held.id),
      (r) => r.state === 'paused' && r.held !== null,
    );
    const stream = await b.stream();
    cleanup.push(() => stream.close());
    const frames: ServerFrame[] = [];
    stream.onFrame((f) => frames.push(f));
    stream.send({ type: 'subscribe.tenant', id: 's1', tenant: 'acme' });
    const runFrames = (id: string): RunInfo[] => frames.flatMap((f) => (f.type === 'run' && f.run.id === id ? [f.run] : []));
    // A run live before the subscription is there at once (the server's view of the whole deployment).
    await until(
      'the held run listed',
      async () => runFrames(held.id),
      (r) => r.length > 0,
    );
    expect(runFrames(held.id)[0]).toMatchObject({ state: 'paused', tenant: 'acme' });

    const other = await a.startRun({ source: slowPairSquad(model.url), seed: 2, profile: 'local', tenant: 'zeta' });
    const fresh = await a.startRun({ source: slowPairSquad(model.url), seed: 3, profile: 'local', tenant: 'acme' });
    await a.control(held.id, 'resume');
    // The journal's end (the `end` frame) and the queue's (the last `run` frame) are two writes: both come, in either order.
    const ended = (id: string): boolean => frames.some((f) => f.type === 'end' && f.run === id) && runFrames(id).at(-1)?.state === 'completed';
    for (const id of [held.id, fresh.id])
      await until(
        `${id} ended on the stream`,
        async () => ended(id),
        (yes) => yes,
      );
    for (const id of [held.id, fresh.id]) {
      expect(runFrames(id).at(-1)?.state).toBe('completed');
      expect(frames.find((f) => f.type === 'end' && f.run === id)).toMatchObject({ state: 'completed' });
      const events = frames.flatMap((f) => (f.type === 'events' && f.run === id ? f.events : []));
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'completed' });
    }
    expect(runFrames(fresh.id).map((r) => r.state)).toContain('running');
    await until(
      "the other tenant's run completed",
      () => b.run(other.id),
      (r) => r.state === 'completed',
    );
    expect(runFrames(other.id)).toEqual([]);
  });

  it('shows a paused run as paused, where it is held, on every API server, and running again after resume', async () => {
    const { servers, a, b, model } = await deployment(kind);

    const started = await a.startRun({ source: slowPairSquad(model.url), seed: 7, profile: 'local', paused: true });
    const held = (r: RunInfo): boolean => r.state === 'paused' && r.held !== null;
    const first = await until('held on server B', () => b.run(started.id), held);
    expect(first.held).toMatchObject({ kind: 'turn', agent: 'planner', turn: 1 });
    expect((await a.run(started.id)).held).toEqual(first.held);
    expect((await b.runs()).find((r) => r.id === started.id)).toMatchObject({ state: 'paused', held: first.held });
    for (const s of servers) {
      expect(await pausedRunsGauge(s)).toBe(1);
      expect(await fleetStateOf(s, started.id)).toBe('paused');
    }

    // A step lets the held checkpoint happen and holds at the next one: the other server sees it move.
    expect((await b.control(started.id, 'step')).state).toBe('paused');
    const next = await until(
      'held at the next checkpoint',
      () => a.run(started.id),
      (r) => held(r) && JSON.stringify(r.held) !== JSON.stringify(first.held),
    );
    expect(next.held).toMatchObject({ kind: 'model', agent: 'planner', turn: 1 });

    expect((await a.control(started.id, 'resume')).state).toBe('running');
    const info = await b.run(started.id);
    expect(['running', 'completed']).toContain(info.state);
    if (info.state === 'running') expect(info.held).toBeNull();
    const done = await until(
      'completed',
      () => b.run(started.id),
      (r) => r.state === 'completed',
    );
    expect(done.held).toBeNull();
    for (const s of servers) expect(await pausedRunsGauge(s)).toBe(0);
  });
});
