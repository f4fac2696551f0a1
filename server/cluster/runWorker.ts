import { messageOf } from '../../protocol/messageOf';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { HeldAt } from '../../protocol/api/runInfo';
import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import type { RunEvent } from '../../protocol/runEvent';
import { applyEvent, emptyRunAccount } from '../engine/accounting';
import { resolveProfile } from '../engine/runProfile';
import { continueRun, squadOf } from '../replay/reRun';
import { LocalRun } from '../runner/localRun';
import { PauseControl } from '../runs/pauseControl';
import type { JournalWriter } from '../engine/journalWriter';
import { notifyObservers, type RunObserver } from '../runs/runObserver';
import type { ClaimLimits, Lease } from '../store/runQueue';
import { utcDay } from '../store/spendLedger';
import { StoreUnavailableError } from '../store/storeUnavailableError';
import { RateLimitedProvider } from '../tenants/rateLimitedProvider';
import { realSleep } from '../tenants/realSleep';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { claimLimits } from './claimLimits';
import { SealableWriter } from './sealableWriter';
import { splitTenantLimits } from './splitTenantLimits';
import type { SharedStores } from './clusterStores';
import { firstCallFloorUsd } from '../engine/firstCallFloor';
import { budgetShortfall } from '../tenants/dailyBudget';

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
  /** Why the run is being stopped here without ending (the journal is sealed with it once open). */
  stopped: string | null;
  /** The journal is closed and the run is being marked done: heartbeats and the lease's expiry no longer matter. */
  finishing: boolean;
  control: PauseControl;
  abort: AbortController;
  done: Promise<void>;
  /**
   * Local monotonic time (`performance.now()`) until which the lease surely holds: when the claim or
   * the last heartbeat that renewed it was sent, plus the lease. The database set its expiry later
   * than that (when the statement ran), so no other worker can have claimed the run before then.
   */
  renewedUntil: number;
  /** Fires at `renewedUntil`: the lease may be gone, the run stops here (see `expire`). */
  expiry: NodeJS.Timeout | null;
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
 * The lease rule (fencing). A worker owns a run only while its lease surely holds: until the send
 * time of the claim or of the last heartbeat that renewed it, plus `leaseMs`, on its own clock. When
 * that moment passes without a renewal (heartbeats failing or hanging: the database unreachable, a
 * cut network; every query is bounded, see `PgDatabaseOptions.queryTimeoutMs`), the worker stops
 * the run on its own: the journal is sealed, nothing more is appended, the run is aborted without a
 * `run.completed`. A heartbeat that finds the lease taken stops it too. And the store fences what is
 * already on the wire: each journal batch goes in only under the lease it was written under (owner
 * and claim number, checked in the same statement), so a batch that reaches the database after
 * another worker claimed the run writes nothing. The next holder resumes from the journal; the
 * stopped worker keeps claiming new work once the database answers again.
 *
 * A tenant's `maxConcurrentRuns` holds across workers: the claim counts the tenant's runs claimed
 * anywhere (see `claimLimits`). Budgets: a run reserves its budget in the shared ledger before it
 * starts (keyed by the run, so a resumed run keeps its reservation) and reports its spend as it
 * goes. Rate limits: split between the workers alive (see `splitTenantLimits`).
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
  private readonly limits: ClaimLimits;
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
    this.limits = claimLimits(o.tenants);
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
    await this.loop;
    const grace = this.o.shutdownGraceMs ?? 5000;
    await Promise.all(
      [...this.held.values()].map(async (h) => {
        h.control.hold();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([h.control.whenHeld(), h.done, new Promise((r) => (timer = setTimeout(r, grace)))]);
        clearTimeout(timer);
        this.stopHere(h, 'the worker is stopping', new WorkerStopping());
        await h.done;
      }),
    );
    // Heartbeats went on until now: a run waiting for its checkpoint keeps its lease meanwhile.
    if (this.beatTimer) clearInterval(this.beatTimer);
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
      const sentAt = performance.now();
      try {
        lease = await queue.claim(this.id, this.leaseMs, this.limits);
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
      if (mine && !mine.stopped && lease.attempt === mine.lease.attempt + 1) {
        // Our own run, whose lease lapsed before a heartbeat renewed it (a stalled event loop) and
        // that we claimed again, nobody between: keep running it under the new claim, never a second copy.
        mine.lease = lease;
        this.renewed(mine, sentAt + this.leaseMs);
        continue;
      }
      if (mine) {
        // Ours, but another worker held it in between (or ours is stopping): our copy stops, and the
        // new claim resumes from the journal once it has.
        this.stopHere(mine, 'the run was claimed again', new LeaseLost());
        const claimed = lease;
        void mine.done.then(() => (signal.aborted ? queue.release(claimed).catch(() => undefined) : this.hold(claimed, sentAt + this.leaseMs)));
        continue;
      }
      this.hold(lease, sentAt + this.leaseMs);
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
        const lease = h.lease;
        const sentAt = performance.now();
        const ok = await queue.heartbeat(lease, this.leaseMs).catch(() => null);
        if (h.lease !== lease || h.stopped || h.finishing) return;
        if (ok === true) this.renewed(h, sentAt + this.leaseMs);
        else if (ok === false) {
          this.log(`run ${lease.id}: lease lost (another worker holds it now): stopping it here`);
          this.o.onLeaseLost?.(lease.id);
          this.stopHere(h, 'the lease was lost', new LeaseLost());
        }
      }),
    );
  }

  /** The lease of `h` surely holds until `until` (local monotonic ms): the run stops then unless renewed again. */
  private renewed(h: Held, until: number): void {
    if (until <= h.renewedUntil && h.expiry) return;
    h.renewedUntil = Math.max(h.renewedUntil, until);
    if (h.expiry) clearTimeout(h.expiry);
    h.expiry = setTimeout(() => this.expire(h), Math.max(0, h.renewedUntil - performance.now()));
  }

  /** No heartbeat renewed the lease in time: another worker may claim the run from now on, so this one stops it. */
  private expire(h: Held): void {
    h.expiry = null;
    if (this.held.get(h.lease.id) !== h || h.stopped || h.finishing) return;
    if (performance.now() < h.renewedUntil) {
      this.renewed(h, h.renewedUntil);
      return;
    }
    this.log(`run ${h.lease.id}: lease not renewed within ${this.leaseMs} ms (heartbeats failing): stopping it here; the next holder resumes it from its journal`);
    this.o.onLeaseLost?.(h.lease.id);
    this.stopHere(h, 'the lease expired before a heartbeat renewed it', new LeaseExpired());
  }

  /** Stops a held run here without ending it: its journal is sealed (now, or as soon as it is open) and the run aborted. */
  private stopHere(h: Held, why: string, reason: Error): void {
    h.stopped ??= why;
    h.writer?.seal(why);
    if (h.expiry) clearTimeout(h.expiry);
    h.expiry = null;
    h.abort.abort(reason);
  }

  private hold(lease: Lease, renewedUntil: number): void {
    const abort = new AbortController();
    // Where the run is held goes to the queue, so every API server shows `paused` and the checkpoint
    // (the state lives here, the API reads it there). Reports go in order, one at a time, under the
    // lease (a lost lease reports nothing); a run taken over while paused stays paused. The hold of a
    // worker that is stopping is not a pause: it is not reported (the release gives the run back as it was).
    let reports: Promise<unknown> = Promise.resolve();
    const onHeld = (at: HeldAt | null): void => {
      if (this.stopping.signal.aborted) return;
      const paused = control.isPaused;
      reports = reports.then(() => this.o.stores.queue.reportHeld(entry.lease, at, paused)).catch((error: unknown) => this.log(`run ${lease.id}: cannot report where it is held: ${messageOf(error)}`));
    };
    const control: PauseControl = new PauseControl(abort.signal, { paused: lease.paused, onHeld });
    const entry: Held = { lease, writer: null, stopped: null, finishing: false, control, abort, done: Promise.resolve(), renewedUntil: 0, expiry: null };
    this.held.set(lease.id, entry);
    this.renewed(entry, renewedUntil);
    entry.done = this.execute(entry)
      .catch(async (error: unknown) => {
        if (entry.stopped || StoreUnavailableError.isIn(error)) {
          // Stopped here (the lease may be gone), or a store did not answer (a cut network): no
          // fault of the run's. It is given back (fenced: only while the lease is still ours) and
          // whoever holds it next resumes it from its journal.
          this.log(`run ${lease.id}: stopped here (${entry.stopped ?? 'a store did not answer'}: ${messageOf(error)}); the next holder resumes it from its journal`);
          if (!(entry.abort.signal.reason instanceof LeaseLost)) await this.o.stores.queue.release(entry.lease).catch(() => undefined);
          return;
        }
        // Not a stop (those seal the journal and return): the run cannot go on anywhere (its journal
        // diverged, its squad no longer parses). It ends in the queue as failed, with the reason,
        // rather than bouncing between workers.
        this.log(`run ${lease.id} failed: ${messageOf(error)}`);
        await this.o.stores.queue.complete(entry.lease, 'failed', `internal error: ${messageOf(error)}`).catch(() => undefined);
      })
      .finally(() => {
        if (entry.expiry) clearTimeout(entry.expiry);
        if (this.held.get(lease.id) === entry) this.held.delete(lease.id);
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
    // Every batch goes in under the lease held now (it changes when we claim our own run again).
    const reopened = await journals.reopen(lease.ticket.journalId, { fence: () => ({ owner: held.lease.owner, attempt: held.lease.attempt }) });
    const opened = { ...reopened, writer: (held.writer = new SealableWriter(this.o.wrapJournal ? this.o.wrapJournal(reopened.writer) : reopened.writer)) };
    if (held.stopped) opened.writer.seal(held.stopped);
    let observed = false;
    try {
      const last = opened.events.at(-1);
      if (last?.type === 'run.completed') {
        await opened.writer.close();
        held.finishing = true;
        await queue.complete(held.lease, last.status, last.reason);
        return;
      }
      const { ticket } = lease;
      const tenant = this.tenants.get(ticket.tenant);
      const squad = squadOf(ticket.squad.text, ticket.squad.path);
      const account = emptyRunAccount();
      for (const e of opened.events) applyEvent(account, e);
      // A fresh run needs at least its first call's reservation; a resumed one keeps the grant it has.
      const floorUsd = opened.events.length === 0 ? firstCallFloorUsd(squad) : 0;
      const day = utcDay(this.now());
      const limitUsd = tenant.policy.dailyBudgetUsd;
      const reservation = await ledger.reserve(ticket.tenant, day, profileBudget(squad, ticket.profile), limitUsd, ticket.journalId, floorUsd);
      if (!reservation) {
        const spend = await ledger.today(ticket.tenant, day);
        await opened.writer.close();
        held.finishing = true;
        await queue.complete(
          held.lease,
          'refused',
          budgetShortfall(ticket.tenant, limitUsd, limitUsd - spend.spentUsd - spend.reservedUsd, floorUsd) ?? `tenant "${ticket.tenant}" has no budget left today`,
        );
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
        await opened.writer.close();
      } catch (error) {
        if (!opened.writer.isSealed) throw error;
        await this.stoppedHere(held, opened.writer);
        return;
      }
      held.finishing = true;
      await reporting;
      await ledger.settle(reservation.id, account.totals.costUsd);
      if (!(await queue.complete(held.lease, status, reason))) this.log(`run ${lease.id}: finished, but the lease had moved on`);
      this.finished += 1;
    } finally {
      unsubscribe();
      if (observed) this.notify((o) => o.runEnded(lease.id));
    }
  }

  /**
   * A run stopped here without ending (this worker stops, its lease is gone, or the journal store
   * failed): what was appended is flushed (bounded; a fenced store refuses it), and the lease goes
   * back unless another worker holds it (the release is fenced by the claim as well).
   */
  private async stoppedHere(held: Held, writer: SealableWriter): Promise<void> {
    await writer.close().catch(() => undefined);
    if (writer.isFenced && !held.stopped) {
      this.log(`run ${held.lease.id}: the journal refused a write: the lease is gone (another worker holds the run): stopping it here`);
      this.o.onLeaseLost?.(held.lease.id);
    } else if (!held.stopped) this.log(`run ${held.lease.id}: the journal store failed: stopping it here; the next holder resumes it from its journal`);
    if (writer.isFenced || held.abort.signal.reason instanceof LeaseLost) return;
    await this.o.stores.queue.release(held.lease).catch(() => undefined);
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

/** Why a run was aborted: no heartbeat renewed its lease in time (another worker may hold it from now on). */
class LeaseExpired extends Error {
  constructor() {
    super('the lease expired before a heartbeat renewed it');
  }
}

/** Why a run was aborted: another worker holds its lease now. */
class LeaseLost extends Error {
  constructor() {
    super('the lease was lost');
  }
}
