import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SquadClient } from '../http/squadClient';
import { openPgStores } from '../store/pg/pgStores';
import { freshDatabase } from '../store/testing/freshDatabase';
import { startCli } from './testing/cliProcess';
import { until, useClusterFixture } from './testing/clusterFixture';
import { slowPairSquad } from './testing/slowModelServer';

/**
 * A tenant's `maxConcurrentRuns` across two `squad worker` processes on one PostgreSQL: the claim
 * counts the tenant's runs claimed anywhere and takes one only below the limit, atomically (claims
 * take turns under an advisory lock). With a limit of 1 and two workers with room for four runs
 * each, the tenant's runs go one at a time (checked from the store's claim and end times, one
 * clock: PostgreSQL's), while another tenant's runs are claimed beside them; every run completes.
 */
const fx = useClusterFixture(40, 'squad-concurrency-');
const { processes, stores } = fx;

const SOLO_RUNS = 6;
const OTHER_RUNS = 4;

describe("a tenant's maxConcurrentRuns with two squad worker processes", () => {
  it('never runs two of its runs at once, on either worker, and completes them all', async () => {
    const url = await freshDatabase(fx.cluster.url, 'tenant_concurrency');
    const token = 'tenant-concurrency-test-token-0123456789';
    const tenantsFile = join(fx.workspace, 'tenants.json');
    await writeFile(tenantsFile, JSON.stringify({ tenants: { solo: { maxConcurrentRuns: 1 } } }));
    const api = startCli(['serve', '--workers', '0', '--workspace', fx.workspace, '--tenants', tenantsFile], { SQUAD_STORE: url, SQUAD_TOKEN: token });
    processes.push(api);
    const client = new SquadClient((await api.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!, token);
    // All queued before a worker starts, so the workers' first claims race for them.
    const solo: string[] = [];
    const other: string[] = [];
    for (let seed = 1; seed <= SOLO_RUNS; seed++) solo.push((await client.startRun({ source: slowPairSquad(fx.model.url), seed, profile: 'local', tenant: 'solo' })).id);
    for (let seed = 1; seed <= OTHER_RUNS; seed++) other.push((await client.startRun({ source: slowPairSquad(fx.model.url), seed, profile: 'local', tenant: 'other' })).id);
    const workers = [0, 1].map(() => {
      const w = startCli(['worker', '--store', url, '--concurrency', '4', '--lease-ms', '3000', '--tenants', tenantsFile]);
      processes.push(w);
      return w;
    });
    await Promise.all(workers.map((w) => w.waitFor(/squad worker (\S+) on/)));
    const db = await openPgStores(url, { poolSize: 2 });
    stores.push(db);

    // Sampled while the runs go: the store never shows two of solo's claimed at once.
    let most = 0;
    await until(
      async () => {
        const { rows } = await db.db.query<{ claimed: number; open: number }>(
          `SELECT count(*) FILTER (WHERE tenant = 'solo' AND state = 'claimed')::int AS claimed, count(*) FILTER (WHERE state IN ('queued', 'claimed'))::int AS open FROM squad_runs`,
        );
        most = Math.max(most, rows[0]!.claimed);
        return rows[0]!.open === 0;
      },
      120_000,
      'every run done',
    );
    expect(most).toBe(1);

    const { rows } = await db.db.query<{ id: string; tenant: string; outcome: string; attempts: number; claimed_at: Date; ended_at: Date }>(
      'SELECT id, tenant, outcome, attempts, claimed_at, ended_at FROM squad_runs ORDER BY claimed_at',
    );
    expect(rows.map((r) => r.outcome)).toEqual(rows.map(() => 'completed'));
    expect(rows.map((r) => r.id).sort()).toEqual([...solo, ...other].sort());
    // Solo's runs, in claim order: each claimed at or after the previous one ended (claimed once each, so the intervals are exact).
    const soloRows = rows.filter((r) => r.tenant === 'solo');
    expect(soloRows.map((r) => r.attempts)).toEqual(soloRows.map(() => 1));
    for (let i = 1; i < soloRows.length; i++) expect(soloRows[i]!.claimed_at.getTime()).toBeGreaterThanOrEqual(soloRows[i - 1]!.ended_at.getTime());
    for (const id of [...solo, ...other]) {
      const events = await db.journals.read(id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'run.completed')).toHaveLength(1);
    }
  }, 180_000);
});
