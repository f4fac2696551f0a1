import type { FleetInfo, FleetRun } from '../../protocol/api/fleetInfo';
import type { RunEvent } from '../../protocol/runEvent';
import { foldEvents } from '../engine/accounting';
import type { JournalStore } from '../store/journalStore';
import type { QueueEntry, RunQueue } from '../store/runQueue';
import { utcDay, type SpendLedger } from '../store/spendLedger';

type Trip = FleetInfo['trips'][number];

export interface StoresFleetDeps {
  queue: RunQueue;
  journals: JournalStore;
  ledger: SpendLedger;
  /** The tenants the deployment configures, with their daily budgets; others seen in the queue get `budgetOf`. */
  tenants: () => { id: string; dailyBudgetUsd: number }[];
  budgetOf: (tenant: string) => number;
  /** Queue entries read per snapshot (newest first); bounds a snapshot's cost. Default 2000. */
  limit?: number;
  now?: () => number;
}

/**
 * The Fleet view of a scale-out (`squad serve --store`), from the shared stores alone, so every API
 * server shows the same fleet: each worker and the runs it holds (claimed entries, by lease owner),
 * the queue, each tenant's spend today from the ledger, and the guardrail trips of the last hour read
 * from the journals of the runs live or ended within the hour (`JournalTrips`).
 */
export class StoresFleetInfo {
  private readonly trips: JournalTrips;
  private readonly now: () => number;

  constructor(private readonly d: StoresFleetDeps) {
    this.now = d.now ?? Date.now;
    this.trips = new JournalTrips(d.journals, this.now);
  }

  async snapshot(tenant: string | null): Promise<FleetInfo> {
    const now = this.now();
    const entries = (await this.d.queue.list({ limit: this.d.limit ?? 2000, ...(tenant === null ? {} : { tenant }) })).filter((e) => tenant === null || e.tenant === tenant);
    const claimed = entries.filter((e) => e.state === 'claimed');
    const queued = entries.filter((e) => e.state === 'queued');
    // A held run's cost and seq come from its journal: a fold over the events, as everywhere else.
    const runOf = async (e: QueueEntry): Promise<FleetRun> => {
      const events = e.state === 'claimed' ? await this.d.journals.read(e.id).catch(() => [] as RunEvent[]) : [];
      const a = foldEvents(events);
      const first = events[0];
      return {
        id: e.id,
        tenant: e.tenant,
        squad: first?.type === 'run.started' ? first.squad.name : e.ticket.squad.path,
        state: e.state === 'claimed' ? (e.paused ? 'paused' : 'running') : 'queued',
        costUsd: a.totals.costUsd,
        lastSeq: events.at(-1)?.seq ?? 0,
      };
    };
    const workers = new Map<string, FleetRun[]>();
    for (const e of claimed) {
      const list = workers.get(e.owner ?? 'unknown') ?? [];
      list.push(await runOf(e));
      workers.set(e.owner ?? 'unknown', list);
    }
    const oldest = Math.min(...queued.map((e) => e.createdAt.getTime()));
    const configured = this.d.tenants();
    const ids = [...new Set([...configured.map((t) => t.id), ...entries.map((e) => e.tenant)])].filter((id) => tenant === null || id === tenant).sort();
    const day = utcDay(new Date(now));
    const tenants = await Promise.all(
      ids.map(async (id) => ({
        id,
        spentTodayUsd: (await this.d.ledger.today(id, day)).spentUsd,
        dailyBudgetUsd: configured.find((t) => t.id === id)?.dailyBudgetUsd ?? this.d.budgetOf(id),
        runsInFlight: claimed.filter((e) => e.tenant === id).length,
      })),
    );
    return {
      at: new Date(now).toISOString(),
      workers: [...workers].map(([id, runs]) => ({ id, runs })).sort((a, b) => a.id.localeCompare(b.id)),
      queue: { depth: queued.length, oldestAgeSeconds: queued.length === 0 ? 0 : Math.max(0, (now - oldest) / 1000), runs: await Promise.all(queued.map(runOf)) },
      tenants,
      trips: await this.trips.lastHour(entries),
    };
  }
}

/**
 * The guardrail trips of the last hour across the fleet, read from the journals (the one source of
 * truth) of the runs that were live or ended within the hour. Each run's journal is read once from
 * where the previous snapshot left it; a run that has ended is not read again. A journal records run
 * time, not wall time: a trip's `at` is the run's claim (or creation) plus its run time, kept within
 * the run's creation and end.
 */
export class JournalTrips {
  private readonly runs = new Map<string, { nextSeq: number; trips: Trip[]; ended: boolean }>();

  constructor(
    private readonly journals: JournalStore,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 3_600_000,
    private readonly maxPerRun = 200,
  ) {}

  async lastHour(entries: readonly QueueEntry[]): Promise<Trip[]> {
    const since = this.now() - this.windowMs;
    const recent = entries.filter((e) => e.state === 'claimed' || (e.endedAt !== null && e.endedAt.getTime() >= since));
    const keep = new Set(recent.map((e) => e.id));
    for (const id of this.runs.keys()) if (!keep.has(id)) this.runs.delete(id);
    const out: Trip[] = [];
    for (const e of recent) {
      const seen = this.runs.get(e.id) ?? { nextSeq: 1, trips: [], ended: false };
      this.runs.set(e.id, seen);
      if (!seen.ended) {
        const events = await this.journals.read(e.id, seen.nextSeq).catch(() => [] as RunEvent[]);
        const start = (e.claimedAt ?? e.createdAt).getTime();
        const end = e.endedAt?.getTime() ?? this.now();
        for (const ev of events) {
          seen.nextSeq = ev.seq + 1;
          if (ev.type !== 'guardrail.tripped' || seen.trips.length >= this.maxPerRun) continue;
          const at = Math.min(end, Math.max(e.createdAt.getTime(), start + ev.t));
          seen.trips.push({ at: new Date(at).toISOString(), run: e.id, tenant: e.tenant, kind: ev.kind, action: ev.action, agent: ev.agent, message: ev.message });
        }
        seen.ended = e.state === 'done' || e.state === 'cancelled';
      }
      out.push(...seen.trips.filter((t) => Date.parse(t.at) >= since));
    }
    return out.sort((a, b) => b.at.localeCompare(a.at));
  }
}
