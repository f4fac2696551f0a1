import { MIGRATIONS } from '../store/pg/pgMigrations';
import type { RunQueue } from '../store/runQueue';
import type { SpendLedger } from '../store/spendLedger';
import { utcDay } from '../store/spendLedger';
import type { FleetSnapshot, FleetSource } from './metricsFleet';
import type { Probe } from './readiness';

/** The newest migration this build knows: a database behind it is not ready for this version. */
const LATEST_MIGRATION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * `/readyz`'s store check on PostgreSQL: the database answers, and every migration this version
 * needs is applied (a pod of a newer version that reached a database its migrations have not reached
 * yet is not ready; one whose database is ahead, from a newer version, is, as migrations only add).
 */
export function pgReadinessProbe(db: { query(text: string): Promise<{ rows: unknown[] }> }): Probe {
  return async () => {
    const { rows } = await db.query('SELECT coalesce(max(version), 0) AS version FROM squad_migrations');
    const first = rows[0];
    const version = typeof first === 'object' && first !== null && 'version' in first ? Number(first.version) : 0;
    if (version < LATEST_MIGRATION) throw new Error(`migrations at ${version}, this version needs ${LATEST_MIGRATION}`);
    return `postgres answers; migrations at ${version}`;
  };
}

/**
 * The fleet as the shared stores see it (any adapter of the ports): runs by state from the queue
 * (queued, or claimed: running on a worker, or paused there), the oldest queued run, and each tenant's spend today
 * from the ledger against its budget (configured tenants', else `budgetOf`'s: a tenant seen only in
 * the queue has the defaults' budget). `limit` bounds how many queue entries a
 * scrape reads.
 */
export function storesFleet(
  queue: RunQueue,
  ledger: SpendLedger,
  tenants: () => { id: string; dailyBudgetUsd: number }[],
  options: { limit?: number; now?: () => Date; budgetOf?: (tenant: string) => number } = {},
): FleetSource {
  const now = options.now ?? (() => new Date());
  return {
    snapshot: async (): Promise<FleetSnapshot> => {
      const entries = (await queue.list({ limit: options.limit ?? 10_000 })).filter((e) => e.state === 'queued' || e.state === 'claimed');
      const counts = new Map<string, { state: string; tenant: string; count: number }>();
      let oldest: number | null = null;
      for (const e of entries) {
        const state = e.state === 'claimed' ? (e.paused ? 'paused' : 'running') : 'queued';
        const key = `${state}\u0000${e.tenant}`;
        const c = counts.get(key) ?? { state, tenant: e.tenant, count: 0 };
        c.count += 1;
        counts.set(key, c);
        if (state === 'queued' && (oldest === null || e.createdAt.getTime() < oldest)) oldest = e.createdAt.getTime();
      }
      const day = utcDay(now());
      const ids = new Set([...tenants().map((t) => t.id), ...entries.map((e) => e.tenant)]);
      const budgets = new Map(tenants().map((t) => [t.id, t.dailyBudgetUsd]));
      const spend = await Promise.all([...ids].map(async (id) => ({ id, day: await ledger.today(id, day) })));
      return {
        runs: [...counts.values()],
        queue: {
          depth: [...counts.values()].filter((c) => c.state === 'queued').reduce((a, c) => a + c.count, 0),
          oldestAgeSeconds: oldest === null ? 0 : Math.max(0, (now().getTime() - oldest) / 1000),
        },
        tenants: spend.map((s) => ({ id: s.id, spentTodayUsd: s.day.spentUsd, dailyBudgetUsd: budgets.get(s.id) ?? options.budgetOf?.(s.id) ?? 0 })),
      };
    },
  };
}
