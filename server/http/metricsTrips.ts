import type { FleetInfo } from '../../protocol/api/fleetInfo';
import type { RunEvent } from '../../protocol/runEvent';
import type { RunObserver, RunStartedInfo } from '../runs/runObserver';

type Trip = FleetInfo['trips'][number];

/**
 * The guardrail trips this process journaled in the last hour (wall clock), for the Fleet view:
 * a bounded list (the newest `max`), so a run that trips in a loop cannot grow memory. A resumed
 * run's replayed trips are not counted again (as in SquadMetrics).
 */
export class RecentTrips implements RunObserver {
  private readonly trips: Trip[] = [];
  private readonly runs = new Map<string, { tenant: string; skipUpTo: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = 3_600_000,
    private readonly max = 1000,
  ) {}

  runStarted(run: RunStartedInfo): void {
    this.runs.set(run.id, { tenant: run.tenant, skipUpTo: run.resumedAfterSeq ?? 0 });
  }

  event(id: string, e: RunEvent): void {
    const run = this.runs.get(id);
    if (!run || e.type !== 'guardrail.tripped' || e.seq <= run.skipUpTo) return;
    this.trips.push({ at: new Date(this.now()).toISOString(), run: id, tenant: run.tenant, kind: e.kind, action: e.action, agent: e.agent, message: e.message });
    if (this.trips.length > this.max) this.trips.splice(0, this.trips.length - this.max);
  }

  runEnded(id: string): void {
    this.runs.delete(id);
  }

  /** Newest first, within the window. */
  lastHour(): Trip[] {
    const since = this.now() - this.windowMs;
    return this.trips.filter((t) => Date.parse(t.at) >= since).reverse();
  }
}
