import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import type { RunEvent } from '../../protocol/runEvent';
import { applyEvent, emptyRunAccount } from '../engine/accounting';
import { resolveProfile } from '../engine/runProfile';
import { continueRun, squadOf } from '../replay/reRun';
import { LocalRun } from '../runner/localRun';
import { PauseControl } from '../runs/pauseControl';
import type { JournalWriter } from '../engine/journalWriter';
import { notifyObservers, type RunObserver } from '../runs/runObserver';
import type { Lease } from '../store/runQueue';
import { utcDay } from '../store/spendLedger';
import { RateLimitedProvider } from '../tenants/rateLimitedProvider';
import { realSleep } from '../tenants/realSleep';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { SealableWriter } from './sealableWriter';
import { splitTenantLimits } from './splitTenantLimits';
import type { SharedStores } from './sharedStores';

export interface RunWorkerOptions {
  stores: SharedStores;
  /** Runs executed at once. Default 4. */
  concurrency?: number;
  /** How long a claim lasts without a heartbeat. Default 5 s: a dead worker's runs move within seconds. */
  leaseMs?: number;
  tenants?: TenantsFile;
  /** This worker's name in the queue (who holds a lease). Default: host, pid and a random suffix. */
  id?: string;
  log?: (line: string) => void;
  /** How long `stop` waits for a run to reach a checkpoint before it gives the lease back anyway. Default 5 s. */
  shutdownGraceMs?: number;
  now?: () => Date;
  /** See every run this worker executes (metrics, recent trips), as the embedded server's observers do. */
  observers?: readonly RunObserver[];
  /** Decorates each run's journal writer (the metrics' append latency). */
  wrapJournal?: (inner: JournalWriter) => JournalWriter;
  /** A lease of this worker's was lost (it expired before a heartbeat renewed it; another worker may hold the run). */
  onLeaseLost?: (runId: string) => void;
}

interface Held {
  lease: Lease;
  /** Set once the journal is open: sealed when the run must stop here without ending. */
  writer: SealableWriter | null;
  control: PauseControl;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * A worker: claims queued runs and executes them, each under a lease it renews with heartbeats.
 *
 * A run's journal is the truth: a claimed run whose journal is empty starts; one with events is
 * resumed from them (recorded answers replayed and checked, nothing completed is called again, the
 * call in flight when the last holder died is made again with the same ids); one that ends with
 * `run.completed` is only marked done. So a worker that dies (SIGKILL, a cut network) loses nothing:
 * its leases expire after `leaseMs` and other workers take the runs over.
 *
 * A worker that loses a lease (it could not heartbeat in time and another worker claimed the run)
 * stops the run at once; the journal's fence (one writer per seq) means its late appends fail
 * rather than interleave. Budgets: a run reserves its budget in the shared ledger before it starts
 * (keyed by the run, so a resumed run keeps its reservation) and reports its spend as it goes. Rate
 * limits: split between the workers alive (see `splitTenantLimits`).
 */
export class RunWorker {
  readonly id: string;
  private readonly held = new Map<string, Held>();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  private tenants: TenantRegistry;
  private workersAlive = 1;
  private readonly log: (line: string) => void;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly now: () => Date;
  private beatTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  /** Runs this worker finished (for tests and the bench). */
  finished = 0;

  constructor(private readonly o: RunWorkerOptions) {
    this.id = o.id ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.log = o.log ?? (() => {});
    this.leaseMs = o.leaseMs ?? 5000;
    this.concurrency = o.concurrency ?? 4;
    this.now = o.now ?? (() => new Date());
    this.tenants = this.registryFor(1);
    if (!(this.concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, got ${this.concurrency}`);
  }

  /** Starts claiming runs. */
  start(): void {
    if (this.loop) return;
    this.loop = this.claimLoop();
  }

  /** Runs held right now. */
  get running(): number {
    return this.held.size;
  }

  /**
   * Stops claiming; holds every run at its next checkpoint (within the grace period), flushes its
   * journal and gives its lease back, so another worker goes on with it at once.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    if (this.beatTimer) clearInterval(this.beatTimer);
    await this.loop;
    const grace = this.o.shutdownGraceMs ?? 5000;
    await Promise.all(
      [...this.held.values()].map(async (h) => {
        h.control.hold();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([h.control.whenHeld(), h.done, new Promise((r) => (timer = setTimeout(r, grace)))]);
        clearTimeout(timer);
        h.writer?.seal('the worker is stopping');
        h.abort.abort(new WorkerStopping());
        await h.done;
      }),
    );
    await this.o.stores.queue.leave(this.id).catch(() => undefined);
  }

  private async claimLoop(): Promise<void> {
    const { queue } = this.o.stores;
    await this.beat();
    this.beatTimer = setInterval(() => void this.beat(), Math.max(100, Math.floor(this.leaseMs / 3)));
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      if (this.held.size >= this.concurrency) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      let lease: Lease | null = null;
      try {
        lease = await queue.claim(this.id, this.leaseMs);
      } catch (error) {
        this.log(`cannot claim a run: ${messageOf(error)}`);
      }
      if (signal.aborted) {
        if (lease) await queue.release(lease).catch(() => undefined);
        return;
      }
      if (!lease) {
        // Woken by an enqueue or release anywhere; else in time to see a lease expire.
        await queue.waitForWork(Math.max(50, Math.floor(this.leaseMs / 2)), signal);
        continue;
      }
      const mine = this.held.get(lease.id);
      if (mine) {
        // Our own run, whose lease lapsed before a heartbeat renewed it (a stalled event loop) and
        // that we claimed again: keep running it under the new claim, never a second copy.
        mine.lease = lease;
        continue;
      }
      this.hold(lease);
    }
  }

  /** Heartbeats every lease (and this worker), stopping runs whose lease was lost. */
  private async beat(): Promise<void> {
    const { queue } = this.o.stores;
    try {
      const alive = await queue.beat(this.id, this.leaseMs);
      if (alive !== this.workersAlive) {
        this.workersAlive = alive;
        this.tenants = this.registryFor(alive); // runs started from now on use the new share
      }
    } catch (error) {
      this.log(`heartbeat failed: ${messageOf(error)}`);
    }
    await Promise.all(
      [...this.held.values()].map(async (h) => {
        const ok = await queue.heartbeat(h.lease, this.leaseMs).catch(() => null);
        if (ok === false) {
          this.log(`run ${h.lease.id}: lease lost (another worker holds it now): stopping it here`);
          this.o.onLeaseLost?.(h.lease.id);
          h.writer?.seal('the lease was lost');
          h.abort.abort(new LeaseLost());
        }
      }),
    );
  }

  private hold(lease: Lease): void {
    const abort = new AbortController();
    const control = new PauseControl(abort.signal, { paused: lease.ticket.paused && lease.attempt === 1 });
    const entry: Held = { lease, writer: null, control, abort, done: Promise.resolve() };
    this.held.set(lease.id, entry);
    entry.done = this.execute(entry)
      .catch(async (error: unknown) => {
        // Not a stop (those seal the journal and return): the run cannot go on anywhere (its journal
        // diverged, its squad no longer parses). It ends in the queue as failed, with the reason,
        // rather than bouncing between workers.
        this.log(`run ${lease.id} failed: ${messageOf(error)}`);
        await this.o.stores.queue.complete(entry.lease, 'failed', `internal error: ${messageOf(error)}`).catch(() => undefined);
      })
      .finally(() => {
        this.held.delete(lease.id);
        this.wake?.();
      });
  }

  private async execute(held: Held): Promise<void> {
    const { lease, control, abort } = held;
    const { journals, queue, ledger } = this.o.stores;
    const unsubscribe = await this.o.stores.control.subscribe(lease.id, (command) => {
      if (command === 'pause') control.hold();
      else if (command === 'resume') control.resume();
      else if (command === 'step') control.step();
      else abort.abort(new Error('cancelled through the API'));
    });
    const reopened = await journals.reopen(lease.ticket.journalId);
    const opened = { ...reopened, writer: (held.writer = new SealableWriter(this.o.wrapJournal ? this.o.wrapJournal(reopened.writer) : reopened.writer)) };
    let observed = false;
    try {
      const last = opened.events.at(-1);
      if (last?.type === 'run.completed') {
        await opened.writer.close();
        await queue.complete(held.lease, last.status, last.reason);
        return;
      }
      const { ticket } = lease;
      const tenant = this.tenants.get(ticket.tenant);
      const squad = squadOf(ticket.squad.text, ticket.squad.path);
      const account = emptyRunAccount();
      for (const e of opened.events) applyEvent(account, e);
      const reservation = await ledger.reserve(ticket.tenant, utcDay(this.now()), profileBudget(squad, ticket.profile), tenant.policy.dailyBudgetUsd, ticket.journalId);
      if (!reservation) {
        await opened.writer.close();
        await queue.complete(held.lease, 'refused', `tenant "${ticket.tenant}" has no budget left today`);
        return;
      }
      let reported = 0;
      let reporting: Promise<void> = Promise.resolve();
      const resumedAfterSeq = opened.events.at(-1)?.seq;
      this.notify((o) => o.runStarted({ id: lease.id, tenant: ticket.tenant, squad: squad.name, startedAt: this.now(), ...(resumedAfterSeq === undefined ? {} : { resumedAfterSeq }) }));
      observed = true;
      const onEvent = (e: RunEvent): void => {
        this.notify((o) => o.event(lease.id, e));
        applyEvent(account, e);
        const spent = account.totals.costUsd;
        if (spent > reported) {
          reported = spent;
          reporting = reporting.then(() => ledger.report(reservation.id, spent)).catch(() => undefined);
        }
      };
      let status: string;
      let reason: string | null;
      try {
        if (opened.events.length === 0) {
          const run = await LocalRun.open({
            squad,
            text: ticket.squad.text,
            path: ticket.squad.path,
            profile: ticket.profile,
            seed: ticket.seed,
            tenant: ticket.tenant,
            workspace: '.',
            journal: { id: opened.id, display: `${journals.location}#${opened.id}`, writer: opened.writer },
          });
          const startedAt = this.tenants.elapsedMs();
          const registry = this.tenants;
          const outcome = await run.execute({
            signal: abort.signal,
            control,
            budgetUsd: reservation.grantedUsd,
            onEvent,
            wrapModel: (inner, clock) =>
              new RateLimitedProvider(
                inner,
                tenant.limiter,
                registry.timeline(startedAt, () => clock.now()),
                {},
                realSleep(clock),
              ),
          });
          ({ status, reason } = outcome);
        } else {
          // Resumed: the recorded part replays from the journal, so neither the rate limiter nor the
          // budget may touch it (a throttle there would be a divergence); see ResumedRun.
          const { outcome } = await continueRun({ events: opened.events, upToSeq: opened.events.length, journal: opened.writer, fork: null, signal: abort.signal, onEvent, control });
          ({ status, reason } = outcome);
        }
      } catch (error) {
        if (!opened.writer.isSealed) throw error;
        // Stopped here without ending: the journal ends where the next holder resumes it.
        await opened.writer.close().catch(() => undefined);
        if (abort.signal.reason instanceof WorkerStopping) await queue.release(held.lease);
        return;
      }
      await opened.writer.close();
      await reporting;
      await ledger.settle(reservation.id, account.totals.costUsd);
      if (!(await queue.complete(held.lease, status, reason))) this.log(`run ${lease.id}: finished, but the lease had moved on`);
      this.finished += 1;
    } finally {
      unsubscribe();
      if (observed) this.notify((o) => o.runEnded(lease.id));
    }
  }

  private notify(call: (o: RunObserver) => void): void {
    notifyObservers(this.o.observers ?? [], call, this.log);
  }

  private registryFor(workers: number): TenantRegistry {
    return new TenantRegistry({ config: splitTenantLimits(this.o.tenants ?? { defaults: {}, tenants: {} }, workers), now: this.now });
  }
}

/** The run's cost limit before the tenant's day lowers it. */
function profileBudget(squad: ReturnType<typeof squadOf>, profile: string): number {
  return resolveProfile(squad, profile).guardrails.budgetUsd;
}

/** Why a run was aborted: this worker is stopping (the run goes back to the queue). */
class WorkerStopping extends Error {
  constructor() {
    super('the worker is stopping; the run goes on elsewhere');
  }
}

/** Why a run was aborted: another worker holds its lease now. */
class LeaseLost extends Error {
  constructor() {
    super('the lease was lost');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
