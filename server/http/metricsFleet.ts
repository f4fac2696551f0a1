import type { RunInfo } from '../../protocol/api/runInfo';
import type { TenantInfo } from '../../protocol/api/tenantInfo';

/** What the fleet looks like now: read at each scrape of `/metrics`. */
export interface FleetSnapshot {
  /** Runs not yet ended, counted by state and tenant. */
  runs: { state: string; tenant: string; count: number }[];
  /** Runs waiting for a worker, and how long the oldest has waited. */
  queue: { depth: number; oldestAgeSeconds: number };
  tenants: { id: string; spentTodayUsd: number; dailyBudgetUsd: number }[];
}

/** Port: the store (embedded: this process's run manager; PostgreSQL: the queue and the ledger). */
export interface FleetSource {
  snapshot(): Promise<FleetSnapshot>;
}

/** The parts of the run manager the embedded fleet source reads. */
export interface LiveRuns {
  tenantInfos(scope: { tenant: null }): TenantInfo[];
  liveRuns(tenant: string): RunInfo[];
}

/**
 * The embedded store's fleet: this process is the whole fleet. Queued runs are those waiting in a
 * tenant's bulkhead; their age is from when they were created.
 */
export function embeddedFleet(manager: LiveRuns, now: () => number = Date.now): FleetSource {
  return {
    snapshot: async () => {
      const tenants = manager.tenantInfos({ tenant: null });
      const counts = new Map<string, { state: string; tenant: string; count: number }>();
      let depth = 0;
      let oldest: number | null = null;
      for (const t of tenants) {
        for (const run of manager.liveRuns(t.id)) {
          const key = `${run.state}\u0000${run.tenant}`;
          const entry = counts.get(key) ?? { state: run.state, tenant: run.tenant, count: 0 };
          entry.count += 1;
          counts.set(key, entry);
          if (run.state === 'queued') {
            depth += 1;
            const created = run.createdAt === null ? null : Date.parse(run.createdAt);
            if (created !== null && (oldest === null || created < oldest)) oldest = created;
          }
        }
      }
      return {
        runs: [...counts.values()],
        queue: { depth, oldestAgeSeconds: oldest === null ? 0 : Math.max(0, (now() - oldest) / 1000) },
        tenants: tenants.map((t) => ({ id: t.id, spentTodayUsd: t.now.spentTodayUsd, dailyBudgetUsd: t.policy.dailyBudgetUsd })),
      };
    },
  };
}
