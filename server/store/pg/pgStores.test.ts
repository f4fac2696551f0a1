import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalStoreConformance } from '../journalStoreConformance';
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
