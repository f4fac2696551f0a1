import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalStoreConformance } from '../journalStoreConformance';
import type { Lease } from '../runQueue';
import { storePortsConformance } from '../storePortsConformance';
import { freshDatabase } from '../testing/freshDatabase';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/throwawayPostgres';
import { MIGRATIONS } from './pgMigrations';
import { openPgStores, type PgStores } from './pgStores';

/** The PostgreSQL adapters against a real PostgreSQL 15 that this file starts and stops. */
let cluster: ThrowawayPostgres;
const open: PgStores[] = [];
let n = 0;

beforeAll(async () => {
  cluster = await startThrowawayPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await cluster?.stop();
}, 30_000);

/** Stores on a new database; `again` opens a second connection to the same one (another process's view). */
async function stores(): Promise<{ s: PgStores; again: () => Promise<PgStores> }> {
  const url = await freshDatabase(cluster.url, `conf_${++n}`);
  const again = async (): Promise<PgStores> => {
    const s = await openPgStores(url, { poolSize: 4 });
    open.push(s);
    return s;
  };
  return { s: await again(), again };
}

const peers = new WeakMap<object, () => Promise<PgStores>>();
journalStoreConformance(
  'PgJournalStore',
  async () => {
    const { s, again } = await stores();
    peers.set(s.journals, again);
    return s.journals;
  },
  async (journals) => (await peers.get(journals)!()).journals,
);

storePortsConformance('PostgreSQL adapters', {
  queue: async () => (await stores()).s.queue,
  ledger: async () => (await stores()).s.ledger,
  tokens: async () => {
    const { s, again } = await stores();
    return { store: s.tokens, peer: async () => (await again()).tokens };
  },
  control: async () => {
    const { s, again } = await stores();
    return { sender: s.control, holder: (await again()).control };
  },
});

describe('PostgreSQL migrations', () => {
  it('applies each migration once, even when processes start together, and refuses a newer schema', async () => {
    const url = await freshDatabase(cluster.url, `mig_${++n}`);
    const all = await Promise.all([openPgStores(url), openPgStores(url), openPgStores(url)]);
    open.push(...all);
    const { rows } = await all[0].db.query<{ version: number }>('SELECT version FROM squad_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await all[0].db.query("INSERT INTO squad_migrations (version, name) VALUES (999, 'from the future')");
    await expect(openPgStores(url)).rejects.toThrow(/schema is version 999, newer than this Squad Studio knows/);
  });

  it('exports a journal as the JSONL text the file store writes, byte for byte', async () => {
    const { s } = await stores();
    const { makeRun, toJsonl } = await import('../testEvents');
    const { id, writer } = await s.journals.create('exported');
    const events = makeRun(12000, 'exported');
    for (const e of events) if (!writer.append(e)) await writer.drain();
    await writer.close();
    let text = '';
    for await (const line of s.journals.exportLines(id)) text += line;
    expect(text).toBe(toJsonl(events));
  });
});

describe('PostgreSQL lease fence and query bound', () => {
  it("refuses, whole, a batch written under a lease another claim replaced: the stale holder's late writes go nowhere", async () => {
    const { s, again } = await stores();
    const { makeRun, runCompleted } = await import('../testEvents');
    const { ticket } = await import('../storePortsConformance');
    const { id, writer: first } = await s.journals.create('fenced');
    await first.close();
    await s.queue.enqueue({ id, tenant: 'acme', ticket: ticket(id) });
    const a = (await s.queue.claim('worker-a', 100))!;
    const events = makeRun(6, 'fenced');
    const stale = await s.journals.reopen(id, { fence: () => ({ owner: a.owner, attempt: a.attempt }) });
    for (const e of events.slice(0, 3)) stale.writer.append(e);
    await stale.writer.flush();
    // A's lease lapses (no heartbeat); B, another process, claims the run and resumes it.
    const peer = await again();
    let claimed: Lease | null = null;
    for (let i = 0; i < 200 && !claimed; i++) {
      claimed = await peer.queue.claim('worker-b', 60_000);
      if (!claimed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(claimed).toMatchObject({ owner: 'worker-b', attempt: 2 });
    const b = claimed!;
    // A, not knowing, writes on: the batch is refused and nothing of it is stored.
    stale.writer.append(events[3]!);
    await expect(stale.writer.flush()).rejects.toMatchObject({ code: 'EFENCED' });
    await expect(stale.writer.close()).rejects.toThrow(/lease of worker-a \(claim 1\) is gone \(run claimed, claim 2 by worker-b\)/);
    const resumed = await peer.journals.reopen(id, { fence: () => ({ owner: b.owner, attempt: b.attempt }) });
    expect(resumed.events).toEqual(events.slice(0, 3));
    for (const e of [...events.slice(3), runCompleted('fenced', 7)]) resumed.writer.append(e);
    await resumed.writer.close();
    const { rows } = await s.db.query<{ seq: number; holder: string }>('SELECT seq, holder FROM squad_events WHERE journal_id = $1 ORDER BY seq', [id]);
    expect(rows).toEqual([1, 2, 3, 4, 5, 6, 7].map((seq) => ({ seq, holder: seq <= 3 ? 'worker-a#1' : 'worker-b#2' })));
    expect(await s.journals.list()).toContainEqual(expect.objectContaining({ id, events: 7, completed: true }));
  });

  it('bounds every query with queryTimeoutMs, and the pool goes on with fresh connections', async () => {
    const url = await freshDatabase(cluster.url, `bound_${++n}`);
    const s = await openPgStores(url, { poolSize: 2, queryTimeoutMs: 300 });
    open.push(s);
    await expect(s.db.query('SELECT pg_sleep(5)')).rejects.toThrow(/timeout|canceling statement/);
    await expect(s.db.transaction((c) => c.query('SELECT pg_sleep(5)'))).rejects.toThrow(/timeout|canceling statement/);
    for (let i = 0; i < 3; i++) expect((await s.db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
