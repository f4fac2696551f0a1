import type { RunInfo } from '../../protocol/api/runInfo';
import type { FleetInfo, FleetRun } from '../../protocol/api/fleetInfo';
import type { TenantInfo } from '../../protocol/api/tenantInfo';
import type { RecentTrips } from './metricsTrips';

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

/**
 * The Fleet view's snapshot of the embedded server: this process is the one worker, holding every
 * run that is not queued; queued runs wait in their tenant's bulkhead. `tenant`: a scoped token's.
 */
export function embeddedFleetInfo(manager: LiveRuns, trips: RecentTrips, workerId: string, tenant: string | null, now: () => number = Date.now): FleetInfo {
  const tenants = manager.tenantInfos({ tenant: null }).filter((t) => tenant === null || t.id === tenant);
  const live = tenants.flatMap((t) => manager.liveRuns(t.id));
  const asRun = (r: RunInfo): FleetRun => ({ id: r.id, tenant: r.tenant, squad: r.squad, state: r.state, costUsd: r.usage.costUsd, lastSeq: r.lastSeq });
  const queued = live.filter((r) => r.state === 'queued');
  const oldest = Math.min(...queued.map((r) => (r.createdAt === null ? now() : Date.parse(r.createdAt))));
  return {
    at: new Date(now()).toISOString(),
    workers: [{ id: workerId, runs: live.filter((r) => r.state !== 'queued').map(asRun) }],
    queue: { depth: queued.length, oldestAgeSeconds: queued.length === 0 ? 0 : Math.max(0, (now() - oldest) / 1000), runs: queued.map(asRun) },
    tenants: tenants.map((t) => ({ id: t.id, spentTodayUsd: t.now.spentTodayUsd, dailyBudgetUsd: t.policy.dailyBudgetUsd, runsInFlight: t.now.runsInFlight })),
    trips: trips.lastHour().filter((t) => tenant === null || t.tenant === tenant),
  };
}
