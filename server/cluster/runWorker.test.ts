import { afterEach, describe, expect, it } from 'vitest';
import { ClusterRuns } from './clusterRuns';
import { RunWorker } from './runWorker';
import { memoryStores } from './testing/memoryStores';
import { SlowModelServer, slowPairSquad } from './testing/slowModelServer';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const scope = { tenant: null };

async function until(predicate: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RunWorker over the in-process stores', () => {
  it('runs queued runs; a worker stopped mid-run gives them back and another finishes each, one run.completed apiece', async () => {
    const model = await SlowModelServer.start(150);
    cleanup.push(() => model.close());
    const stores = memoryStores();
    const runs = new ClusterRuns({ stores, workspace: '.' });
    const a = new RunWorker({ stores, concurrency: 4, leaseMs: 1000, id: 'a', log: () => {} });
    a.start();
    cleanup.push(() => a.stop());
    const ids: string[] = [];
    for (let seed = 1; seed <= 4; seed++) ids.push((await runs.start({ source: slowPairSquad(model.url), seed, profile: 'local', paused: false }, scope)).id);
    await until(async () => (await Promise.all(ids.map((id) => stores.journals.read(id)))).every((e) => e.length >= 3));
    await a.stop(); // holds each run at a checkpoint, seals its journal, gives the lease back
    expect((await stores.queue.list({ limit: 10 })).every((e) => e.state === 'queued')).toBe(true);
    const b = new RunWorker({ stores, concurrency: 4, leaseMs: 1000, id: 'b', log: () => {} });
    b.start();
    cleanup.push(() => b.stop());
    await until(async () => (await stores.queue.list({ limit: 10 })).every((e) => e.state === 'done'));
    for (const id of ids) {
      const events = await stores.journals.read(id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'run.completed')).toHaveLength(1);
      expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'completed', result: 'all parts done' });
      expect((await runs.detail(id, scope)).state).toBe('completed');
      expect((await stores.queue.get(id))?.attempts).toBe(2);
    }
  });
});
