import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunTicket } from '../../protocol/api/runTicket';
import { openPgStores, type PgStores } from '../store/pg/pgStores';
import { utcDay } from '../store/spendLedger';
import { freshDatabase } from '../store/testing/freshDatabase';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../store/testing/throwawayPostgres';
import { SquadMetrics } from './metrics';
import { pgReadinessProbe, storesFleet } from './metricsStores';
import { ProbeReadiness } from './readiness';

/** /readyz's PostgreSQL check and the fleet gauges (the HPA's queue depth) on a real PostgreSQL 15. */
let cluster: ThrowawayPostgres;
let stores: PgStores;

beforeAll(async () => {
  cluster = await startThrowawayPostgres();
  stores = await openPgStores(await freshDatabase(cluster.url, 'metrics_fleet'), { poolSize: 4 });
}, 60_000);
afterAll(async () => {
  await stores?.close();
  await cluster?.stop();
}, 30_000);

const ticket = (id: string, tenant: string): RunTicket => ({ journalId: id, runId: id, squad: { text: 'version: 1', path: 'x.squad.yaml' }, profile: 'local', seed: 1, tenant, paused: false });

describe('metrics and readiness over the PostgreSQL stores', () => {
  it('/readyz: ready once migrations are applied; not ready when the database is behind this version, or gone', async () => {
    const readiness = new ProbeReadiness({ store: pgReadinessProbe(stores.db) });
    expect(await readiness.check()).toMatchObject({
      ok: true,
      checks: [
        { name: 'store', ok: true },
        { name: 'process', ok: true },
      ],
    });
    const { rows } = await stores.db.query<{ version: number; name: string }>('SELECT version, name FROM squad_migrations ORDER BY version DESC LIMIT 1');
    const latest = rows[0]!;
    await stores.db.query('DELETE FROM squad_migrations WHERE version = $1', [latest.version]);
    const behind = await readiness.check();
    expect(behind.ok).toBe(false);
    expect(behind.checks[0]!.detail).toMatch(new RegExp(`this version needs ${latest.version}`));
    await stores.db.query('INSERT INTO squad_migrations (version, name) VALUES ($1, $2)', [latest.version, latest.name]);
    expect((await readiness.check()).ok).toBe(true);
    const gone = new ProbeReadiness({ store: pgReadinessProbe({ query: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) }) });
    expect((await gone.check()).checks[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('queue depth, runs by state and spend today come from the queue and the ledger', async () => {
    for (const [id, tenant] of [
      ['r1', 'acme'],
      ['r2', 'acme'],
      ['r3', 'globex'],
    ] as const)
      await stores.queue.enqueue({ id, tenant, ticket: ticket(id, tenant) });
    const lease = await stores.queue.claim('worker-a', 30_000);
    expect(lease?.id).toBe('r1');
    const reservation = await stores.ledger.reserve('acme', utcDay(new Date()), 1, 10, 'r1');
    await stores.ledger.settle(reservation!.id, 0.375);
    const metrics = new SquadMetrics(
      storesFleet(stores.queue, stores.ledger, () => [{ id: 'acme', dailyBudgetUsd: 10 }]),
      { processMetrics: false },
    );
    const text = await metrics.text();
    expect(text).toMatch(/^squad_queue_depth 2$/m);
    expect(text).toMatch(/^squad_runs\{state="running",tenant="acme"\} 1$/m);
    expect(text).toMatch(/^squad_runs\{state="queued",tenant="acme"\} 1$/m);
    expect(text).toMatch(/^squad_runs\{state="queued",tenant="globex"\} 1$/m);
    expect(text).toMatch(/^squad_tenant_spend_today_usd\{tenant="acme"\} 0\.375$/m);
    expect(text).toMatch(/^squad_tenant_budget_usd\{tenant="acme"\} 10$/m);
    const age = Number(/^squad_queue_oldest_age_seconds (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThan(0);
    await stores.queue.complete(lease!, 'completed', null);
    expect(await metrics.text()).toMatch(/^squad_queue_depth 2$/m); // completing a claimed run leaves the queue as it was
  });
});
