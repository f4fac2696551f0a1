import { describe, expect, it } from 'vitest';
import { SquadClient } from '../http/squadClient';
import { openPgStores, type PgStores } from '../store/pg/pgStores';
import { freshDatabase } from '../store/testing/freshDatabase';
import { startCli, type CliProcess } from './testing/cliProcess';
import { until, useClusterFixture } from './testing/clusterFixture';
import type { LabHost } from './testing/networkLab';
import { slowPairSquad } from './testing/slowModelServer';

/**
 * The scale-out across a real network: PostgreSQL, the API server and two workers each in a network
 * namespace of its own, joined by veth pairs to one switch (see NetworkLab); the slow model server
 * and this test on the machine's own namespace, linked to the switch too. One worker's cable is
 * pulled mid-run: its connections hang, nothing errors. It must give its runs up on its own once
 * its lease may be gone (no heartbeat renewed it), the other worker must resume and finish each
 * from its journal, and when the cable is back the cut worker must write nothing more into those
 * runs (the journal's lease fence) and go on claiming new work.
 *
 * Needs root and iproute2 (CI has both, see .ci/run); it fails, saying so, where they are missing.
 */
const LEASE_MS = 1500;
const TOKEN = 'netns-scale-out-token-0123456789';

const fx = useClusterFixture(400, 'squad-netns-', { network: true });
const { processes, stores } = fx;

/** The rows of each journal as stored: seq, type and the lease each line was written under. */
async function rowsOf(db: PgStores, id: string): Promise<{ seq: number; type: string; holder: string | null }[]> {
  return (await db.db.query<{ seq: number; type: string; holder: string | null }>('SELECT seq, type, holder FROM squad_events WHERE journal_id = $1 ORDER BY seq', [id])).rows;
}

describe('squad serve and two squad workers, each in its own network namespace, on PostgreSQL in another', () => {
  it("survives a worker's cable pulled mid-run: its runs finished once by the other, gap-free; back online, it writes nothing into them and claims new work", async () => {
    const lab = fx.lab;
    const [apiHost, hostA, hostB] = [await lab.addHost('api'), await lab.addHost('wa'), await lab.addHost('wb')];
    const url = await freshDatabase(fx.cluster.url, 'scale_netns');

    const api = startCli(
      ['serve', '--workers', '0', '--host', apiHost.address, '--allow-host', lab.rootAddress, '--workspace', fx.workspace],
      { SQUAD_STORE: url, SQUAD_TOKEN: TOKEN },
      apiHost.prefix,
    );
    processes.push(api);
    const apiUrl = (await api.waitFor(/listening on (http:\/\/[\d.]+:\d+)/, 30_000))[1]!;
    expect(new URL(apiUrl).hostname).toBe(apiHost.address);
    const worker = async (host: LabHost): Promise<{ process: CliProcess; id: string }> => {
      const w = startCli(['worker', '--store', url, '--concurrency', '2', '--lease-ms', String(LEASE_MS)], {}, host.prefix);
      processes.push(w);
      return { process: w, id: (await w.waitFor(/squad worker (\S+) on/, 30_000))[1]! };
    };
    const [a, b] = await Promise.all([worker(hostA), worker(hostB)]);
    const client = new SquadClient(apiUrl, TOKEN);
    const db = await openPgStores(url, { poolSize: 2 });
    stores.push(db);
    const source = slowPairSquad(fx.model.url);
    const startRuns = async (seeds: number[]): Promise<string[]> => {
      const ids: string[] = [];
      for (const seed of seeds) ids.push((await client.startRun({ source, seed, profile: 'local' })).id);
      return ids;
    };
    const completed = async (ids: string[]): Promise<boolean> => (await client.runs({ limit: '100' })).filter((r) => ids.includes(r.id) && r.state === 'completed').length === ids.length;
    const ids = await startRuns([1, 2, 3, 4, 5, 6, 7, 8]);

    // Pull A's cable once it holds a run that has started and not finished.
    const heldByA = async (): Promise<string[]> =>
      (
        await db.db.query<{ id: string }>(
          `SELECT r.id FROM squad_runs r JOIN squad_journals j ON j.id = r.id WHERE r.owner = $1 AND r.state = 'claimed' AND j.last_seq >= 3 AND NOT j.completed ORDER BY r.id`,
          [a.id],
        )
      ).rows.map((r) => r.id);
    await until(async () => (await heldByA()).length > 0, 30_000, 'worker A holding a run mid-way');
    await hostA.cut();
    // What A held once the cable was out (nothing of A's reaches the database any more).
    await new Promise((r) => setTimeout(r, 200));
    const victims = await heldByA();
    expect(victims.length).toBeGreaterThan(0);

    // A notices on its own: no heartbeat renews its leases, so it stops each of those runs here
    // once the lease may be gone (a query of the run's that timed out may have stopped it already).
    for (const id of victims) await a.process.waitFor(new RegExp(`run ${id}: lease not renewed within ${LEASE_MS} ms`), 20_000);
    // B, meanwhile, takes them over once their leases expire and finishes every run.
    await until(() => completed(ids), 90_000, 'every run completed with A cut off');
    const aRowsWhileCut = new Map<string, number>();
    for (const id of victims) aRowsWhileCut.set(id, (await rowsOf(db, id)).filter((r) => r.holder?.startsWith(`${a.id}#`)).length);

    // The cable goes back in: A's late writes (its connections' data still queued in the kernel)
    // reach the database now, and must be refused; A must come back and claim new work.
    await hostA.restore();
    await until(async () => (await db.db.query('SELECT 1 FROM squad_workers WHERE id = $1 AND alive_until >= clock_timestamp()', [a.id])).rowCount === 1, 30_000, 'worker A heartbeating again');
    const later = await startRuns([11, 12, 13, 14, 15, 16]);
    await until(() => completed(later), 90_000, 'the runs started after the cable came back completed');

    for (const id of [...ids, ...later]) {
      const events = await db.journals.read(id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'run.completed')).toHaveLength(1);
      expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'completed', result: 'all parts done' });
      // Every line went in under a lease: the fence saw each write.
      expect((await rowsOf(db, id)).every((r) => r.holder !== null)).toBe(true);
    }
    for (const id of victims) {
      const rows = await rowsOf(db, id);
      const byA = rows.filter((r) => r.holder?.startsWith(`${a.id}#`));
      // A wrote part of the journal, B took the run over and ended it; each claim's lines follow
      // the earlier claim's, never interleaved (claim numbers only go up along the journal).
      expect(byA.length).toBeGreaterThan(0);
      const claims = rows.map((r) => Number(r.holder!.split('#').at(-1)));
      expect(claims).toEqual([...claims].sort((x, y) => x - y));
      expect(rows.at(-1)).toMatchObject({ type: 'run.completed' });
      expect(rows.at(-1)!.holder!.startsWith(`${b.id}#`)).toBe(true);
      // Nothing of A's reached the journal after the cable came back.
      expect(byA.length).toBe(aRowsWhileCut.get(id));
      expect((await db.queue.get(id))?.attempts).toBeGreaterThanOrEqual(2);
    }
    // No run ended as failed on A's account: a store that does not answer is no fault of a run's.
    expect(a.process.output()).not.toMatch(/run \S+ failed/);
    // Back online, A took part in the new runs.
    const newByA = (await Promise.all(later.map((id) => rowsOf(db, id)))).filter((rows) => rows.some((r) => r.holder?.startsWith(`${a.id}#`)));
    expect(newByA.length).toBeGreaterThan(0);
    // The API across the network serves the journals as stored.
    const page = await client.journal(victims[0]!, 1, 1000);
    expect(page.events).toEqual(await db.journals.read(victims[0]!));

    await Promise.all([a.process.stop(), b.process.stop()]);
    expect(await a.process.exited).toBe(0);
    expect(await b.process.exited).toBe(0);
  }, 240_000);
});
