import { randomInt } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import type { ListRunsQuery } from '../../protocol/api/listRunsQuery';
import type { JournalQuery } from '../../protocol/api/journalQuery';
import type { JournalPage, RunDetail, RunInfo, RunState } from '../../protocol/api/runInfo';
import type { StartRunRequest } from '../../protocol/api/startRunRequest';
import type { TenantInfo } from '../../protocol/api/tenantInfo';
import type { ValidateRequest, ValidateResponse } from '../../protocol/api/validateRequest';
import type { RunEvent } from '../../protocol/runEvent';
import type { RunStartRecord } from '../../protocol/runStartRecord';
import type { JournalWriter } from '../engine/journalWriter';
import { UnknownProfileError } from '../engine/runProfile';
import { FileJournalStore } from '../store/fileJournalStore';
import { endsUnfinished } from '../store/endsUnfinished';
import { hasCompleteLine } from '../store/hasCompleteLine';
import { JournalError } from '../store/journalError';
import { BulkheadFullError } from '../tenants/bulkhead';
import { addEarlierSpend } from '../tenants/earlierSpend';
import { utcDay } from '../store/spendLedger';
import { budgetShortfall, secondsToUtcMidnight, type BudgetReservation } from '../tenants/dailyBudget';
import { firstCallFloorUsd } from '../engine/firstCallFloor';
import type { Tenant } from '../tenants/tenant';
import type { TenantRegistry } from '../tenants/tenantRegistry';
import { followRun, type Follower, type FollowSink, type FollowSource } from './followRun';
import { JournalCache } from './journalCache';
import { InProcessRunHost } from './inProcessRunHost';
import { ManagedRun } from './managedRun';
import { readSquadSource } from './readSquadSource';
import { checkedSquad, tenantOfRequest, validateSquadRequest } from './squadRequest';
import type { ControlSetup, ResumedExecution, RunExecution } from './runExecution';
import type { RunHost } from './runHost';
import { RunError } from './runError';
import { notifyObservers, type RunObserver } from './runObserver';
import { runStartRecords } from './runStartRecords';
import { SavedRuns } from './savedRuns';
import { stopForShutdown } from './stopForShutdown';
import { messageOf } from '../../protocol/messageOf';
import type { RunService, Scope } from './runService';
import { RunPolicy } from '../trust/runPolicy';

const DEFAULT_POLICY = new RunPolicy();

export type { Scope } from './runService';

export interface RunManagerOptions {
  workspace: string;
  tenants: TenantRegistry;
  observers?: RunObserver[];
  now?: () => Date;
  /** How long shutdown waits for a run to reach a checkpoint before it cancels the run. Default 5 s. */
  shutdownGraceMs?: number;
  /** Where problems that have no request to answer go (an observer that threw, a journal that failed). */
  log?: (line: string) => void;
  /** Decorates each run's journal writer (the metrics' append latency), for the default host. */
  wrapJournal?: (inner: JournalWriter) => JournalWriter;
  /** Where runs execute (run threads, or this thread); default: this thread (`InProcessRunHost`). */
  host?: RunHost;
  /** Who may start what (inline files, processes, hosts, variables); default: the strict defaults of `RunPolicy`. */
  policy?: RunPolicy;
}

/**
 * Runs squads for the embedded server: admission (tenant budget, bulkhead), execution with the
 * tenant's rate limits and budget composed around the engine's ports, pause/resume/step/cancel,
 * followers from any seq, the list of this session's and saved runs, and a clean shutdown. The
 * engines execute where the `RunHost` puts them (run threads, or this thread); everything here
 * (tenants, observers, followers) stays on the HTTP thread and sees each run's events in order.
 *
 * Every method that takes a `Scope` hides other tenants' runs from a scoped token: they are "not
 * found", so a scoped token cannot even learn which runs exist.
 */
export class RunManager implements RunService {
  private readonly runs = new Map<string, ManagedRun>();
  private readonly drives = new Map<string, Promise<void>>();
  private readonly changeListeners = new Set<(run: RunInfo) => void>();
  private readonly store: FileJournalStore;
  private readonly saved: SavedRuns;
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  private closing: Promise<void> | null = null;
  /** Parsed journals for journal()/recorded(): a long run read page by page is parsed once. */
  private readonly parsed = new JournalCache();
  private readonly host: RunHost;

  constructor(private readonly o: RunManagerOptions) {
    this.host = o.host ?? new InProcessRunHost(o.wrapJournal ? { wrapJournal: o.wrapJournal } : {});
    this.store = FileJournalStore.forWorkspace(o.workspace);
    this.saved = new SavedRuns(this.store, (path) => this.parsed.events(path));
    this.now = o.now ?? (() => new Date());
    this.log = o.log ?? (() => {});
  }

  get workspace(): string {
    return this.o.workspace;
  }

  /** Who may start what: the start route, forks and resumes all ask it. */
  get policy(): RunPolicy {
    return this.o.policy ?? DEFAULT_POLICY;
  }

  get tenants(): TenantRegistry {
    return this.o.tenants;
  }

  // ── starting runs ─────────────────────────────────────────────────────────────────────────────

  async start(body: StartRunRequest, scope: Scope): Promise<RunInfo> {
    if (this.closing) throw new RunError('unavailable', 'the server is shutting down');
    const tenantId = tenantOfRequest(body, scope);
    const source = await readSquadSource(this.o.workspace, body);
    return this.launch({ ...source, profile: body.profile, seed: body.seed ?? randomInt(0, 2 ** 31), tenant: tenantId, paused: body.paused }, scope);
  }

  /**
   * Starts a run as `start` admitted it, or again from its start record (`recover`). The start is
   * answered once the record is on disk, so an accepted run outlives a SIGKILL that comes before its
   * journal holds anything (see `RunStartRecord`).
   */
  private async launch(start: RunStartRecord, scope: Scope): Promise<RunInfo> {
    const tenantId = start.tenant;
    const squad = checkedSquad(start, this.policy, scope);
    const environment = this.policy.environmentFor(squad);
    const tenant = this.o.tenants.get(tenantId);
    const floorUsd = firstCallFloorUsd(squad);
    this.admit(tenant, floorUsd);

    const abort = new AbortController();
    const ref: { run?: ManagedRun } = {}; // the controls tell the run it is held, once it exists
    let local: RunExecution;
    try {
      local = await this.host.open(
        {
          squad,
          text: start.text,
          path: start.path,
          profile: start.profile,
          seed: start.seed,
          tenant: tenantId,
          workspace: this.o.workspace,
          secrets: environment.secrets,
          env: environment.env,
          toolDir: start.dir,
        },
        this.controlSetup(abort, start.paused, () => ref.run),
      );
    } catch (error) {
      if (error instanceof UnknownProfileError) throw new RunError('invalid', error.message, 'profile');
      throw error;
    }
    const run = (ref.run = new ManagedRun(local, abort, tenant, squad.name, start.path, local.seed, this.now()));
    let ticket: Promise<() => void>;
    try {
      ticket = tenant.bulkhead.enter(run.abort.signal);
    } catch (error) {
      await discardJournal(local);
      if (error instanceof BulkheadFullError) {
        tenant.refusedRuns += 1;
        throw new RunError('refused', `tenant "${tenantId}": ${error.message}`, 'tenant', 1);
      }
      throw error;
    }
    try {
      await runStartRecords.write(local.journalPath, start);
    } catch (error) {
      run.abort.abort(error);
      await discardJournal(local);
      throw error;
    }
    this.track(run, ticket, floorUsd);
    return run.info();
  }

  /**
   * Refuses before a journal is claimed when the tenant's day is spent, or has less left than the
   * run's first call needs (`floorUsd`: a run granted less could only halt), or its queue is full.
   */
  private admit(tenant: Tenant, floorUsd: number): void {
    const short = budgetShortfall(tenant.id, tenant.policy.dailyBudgetUsd, tenant.budget.remainingUsd, floorUsd);
    if (short !== null) {
      tenant.refusedRuns += 1;
      throw new RunError('refused', short, 'tenant', secondsToUtcMidnight(this.now()));
    }
    const b = tenant.bulkhead;
    if (b.running >= b.maxConcurrent && b.queued >= b.maxQueued) {
      tenant.refusedRuns += 1;
      throw new RunError('refused', `tenant "${tenant.id}": ${new BulkheadFullError(b.running, b.queued).message}`, 'tenant', 1);
    }
  }

  /** The controls' setup: `run` is read when the run is held, after it exists. */
  private controlSetup(abort: AbortController, paused: boolean, run: () => ManagedRun | undefined): ControlSetup {
    return {
      signal: abort.signal,
      paused,
      onHeld: () => {
        const r = run();
        if (r) this.changed(r);
      },
    };
  }

  /** Runs `run` once its bulkhead ticket comes; `floorUsd`: the least budget grant it can use (0 for a resumed run). */
  private async drive(run: ManagedRun, ticket: Promise<() => void>, floorUsd = 0): Promise<void> {
    let release: (() => void) | null = null;
    let reservation: BudgetReservation | null = null;
    let untrack: (() => void) | null = null;
    try {
      try {
        release = await ticket;
      } catch (reason) {
        await this.endUnstarted(run, 'cancelled', messageOf(reason));
        return;
      }
      try {
        reservation = run.tenant.budget.reserve(run.local.profile.guardrails.budgetUsd, floorUsd);
      } catch (error) {
        run.tenant.refusedRuns += 1;
        await this.endUnstarted(run, 'refused', messageOf(error));
        return;
      }
      const granted = reservation;
      run.budgetUsd = granted.grantedUsd;
      run.startedAt = this.now();
      run.state = run.control.isPaused ? 'paused' : 'running';
      untrack = run.tenant.ledger.track(run.squad, run.account);
      const resumedAfterSeq = run.local.resumedAfterSeq;
      this.notify((o) => o.runStarted({ id: run.id, tenant: run.tenant.id, squad: run.squad, startedAt: run.startedAt!, ...(resumedAfterSeq === undefined ? {} : { resumedAfterSeq }) }));
      this.changed(run);
      const outcome = await run.local.execute({
        signal: run.abort.signal,
        budgetUsd: granted.grantedUsd,
        onEvent: (e) => this.onEvent(run, granted, e),
        limits: {
          limiter: run.tenant.limiter,
          startedAtMs: this.o.tenants.elapsedMs(),
          onWait: (ms) => {
            run.rateLimit.waits += 1;
            run.rateLimit.waitMs += ms;
          },
          onRefused: () => (run.rateLimit.refusals += 1),
        },
      });
      await run.local.close();
      reservation.close();
      untrack();
      run.end(outcome.status, outcome.reason, this.now());
      // Over, or held with its journal closed by a shutdown: the journal has it from here either way.
      await runStartRecords.drop(run.local.journalPath);
    } catch (error) {
      if (run.ended) return; // interrupted by shutdown, which has recorded why
      // The engine or the journal failed (a bug, a full disk): the run is over; say why, keep serving.
      this.log(`run ${run.id} failed: ${messageOf(error)}`);
      await run.local.close().catch(() => undefined);
      await runStartRecords.drop(run.local.journalPath).catch(() => undefined);
      run.end('failed', `internal error: ${messageOf(error)}`, this.now());
    } finally {
      reservation?.close();
      untrack?.();
      release?.();
      if (run.startedAt) this.notify((o) => o.runEnded(run.id));
      this.changed(run);
    }
  }

  private onEvent(run: ManagedRun, reservation: BudgetReservation, e: RunEvent): void {
    run.emit(e);
    reservation.spend(run.account.totals.costUsd - run.priorCostUsd);
    this.notify((o) => o.event(run.id, e));
    if (e.type === 'guardrail.tripped' || e.type === 'run.started') this.changed(run);
  }

  /** A run that never reached the engine: its empty journal goes, so no reader mistakes it for a run. */
  private async endUnstarted(run: ManagedRun, state: RunState, reason: string): Promise<void> {
    await discardJournal(run.local);
    await runStartRecords.drop(run.local.journalPath);
    run.end(state, reason, this.now());
  }

  /**
   * Counts into each tenant's daily budget what runs of earlier server sessions spent today (UTC):
   * the journals last written today, each summed in one streaming pass (`spendOfJournal`), a few at a
   * time. Call once at start, before taking runs.
   */
  async countEarlierSpend(): Promise<{ journals: number; usd: number }> {
    const today = utcDay(this.now());
    const files = (await this.store.list()).filter((f) => utcDay(f.mtime) === today && !this.runs.has(f.id));
    return addEarlierSpend(files, this.o.tenants, this.log);
  }

  /**
   * Runs an earlier session left unfinished (journals in the workspace that end without
   * `run.completed`: the server shut down or was killed mid-run). With `resume`, each is rebuilt from
   * its journal and goes on as a run of this session (its tenant's, listed, streamable and
   * controllable under the same id; see `ResumedRun`); without, they stay listed as `interrupted`.
   * A journal that cannot be resumed is logged and left as it is.
   */
  async recover(options: { resume: boolean }): Promise<{ interrupted: string[]; resumed: string[] }> {
    const interrupted: string[] = [];
    const resumed: string[] = [];
    for (const id of await this.restartUnstarted(options)) (options.resume ? resumed : interrupted).push(id);
    for (const file of await this.store.list()) {
      if (this.runs.has(file.id)) continue;
      if (!(await endsUnfinished(file.path))) continue;
      if (!options.resume) {
        interrupted.push(file.id);
        continue;
      }
      try {
        const abort = new AbortController();
        const ref: { run?: ManagedRun } = {};
        const local = await this.host.reopen(
          file.path,
          (squad, path) => {
            this.policy.check(squad, 'workspace', { tenant: null });
            return { ...this.policy.environmentFor(squad), toolDir: dirname(resolve(this.o.workspace, path)) };
          },
          this.controlSetup(abort, false, () => ref.run),
        );
        if (!local) continue;
        ref.run = this.startResumed(local, abort);
        resumed.push(file.id);
      } catch (error) {
        this.log(`cannot resume run ${file.id}: ${messageOf(error)}`);
        interrupted.push(file.id);
      }
    }
    return { interrupted, resumed };
  }

  /**
   * Runs an earlier session accepted whose journal holds nothing to resume from (killed while the
   * tool servers started, or queued): each start record beside an empty journal (or one torn in its
   * first line) starts its run again, with `resume`, under the same id. Records of runs whose
   * journal has ended are left-overs of a kill between the end and the record's removal: dropped.
   */
  private async restartUnstarted(options: { resume: boolean }): Promise<string[]> {
    const ids: string[] = [];
    for (const journalPath of await runStartRecords.journalsIn(this.store.dir)) {
      const id = basename(journalPath, '.jsonl');
      if (this.runs.has(id)) continue;
      if (await hasCompleteLine(journalPath)) {
        if (!(await endsUnfinished(journalPath))) await runStartRecords.drop(journalPath);
        continue;
      }
      const record = await runStartRecords.read(journalPath);
      if (!record) {
        this.log(`run ${id}: its start record is missing or unreadable (${runStartRecords.pathOf(journalPath)}); it cannot be started again`);
        continue;
      }
      ids.push(id);
      if (!options.resume) continue;
      try {
        await rm(journalPath, { force: true });
        await this.launch(record, { tenant: null });
      } catch (error) {
        this.log(`cannot start run ${id} again: ${messageOf(error)}`);
      }
    }
    return ids;
  }

  private startResumed(local: ResumedExecution, abort: AbortController): ManagedRun {
    const { started } = local;
    const tenant = this.o.tenants.get(started.tenant);
    const run = new ManagedRun(local, abort, tenant, started.squad.name, started.squad.path, started.seed, this.now(), local.priorCostUsd);
    // Through the tenant's bulkhead like any run; a full queue waits rather than refusing a resume.
    this.track(run, tenant.bulkhead.enter(run.abort.signal));
    return run;
  }

  /** Lists `run` and drives it once its bulkhead ticket comes (`drive`), until it has ended. */
  private track(run: ManagedRun, ticket: Promise<() => void>, floorUsd = 0): void {
    this.runs.set(run.id, run);
    this.changed(run);
    const drive = this.drive(run, ticket, floorUsd);
    this.drives.set(run.id, drive);
    void drive.finally(() => this.drives.delete(run.id));
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────────

  async list(query: ListRunsQuery, scope: Scope): Promise<RunInfo[]> {
    const tenant = scope.tenant ?? query.tenant;
    if (scope.tenant !== null && query.tenant !== undefined && query.tenant !== scope.tenant) return [];
    const keep = (r: RunInfo): boolean => (tenant === undefined || r.tenant === tenant) && (query.state === undefined || r.state === query.state);
    const live = [...this.runs.values()]
      .reverse()
      .map((r) => r.info())
      .filter(keep)
      .slice(0, query.limit);
    const saved = await this.saved.list(query.limit - live.length, (id) => this.runs.has(id), keep);
    return [...live, ...saved];
  }

  async detail(id: string, scope: Scope): Promise<RunDetail> {
    const run = this.runs.get(id);
    if (run) {
      this.checkScope(run.tenant.id, scope, id);
      return run.detail(this.display(run.journalPath));
    }
    const saved = await this.saved.get(id);
    if (!saved) throw notFound(id);
    this.checkScope(saved.tenant, scope, id);
    return { ...saved, journal: this.display(saved.journal) };
  }

  async journal(id: string, query: JournalQuery, scope: Scope): Promise<JournalPage> {
    const source = await this.sourceOf(id, scope);
    if (source.isLive()) await source.flush();
    let events: readonly RunEvent[] = [];
    try {
      events = await this.parsed.events(source.journalPath);
    } catch (error) {
      // A run that never started has no journal: an empty page.
      if (!(error instanceof JournalError && error.code === 'ENOENT')) throw error;
    }
    const page = events.slice(query.fromSeq - 1, query.fromSeq - 1 + query.limit);
    const nextSeq = query.fromSeq + page.length;
    return { events: page, nextSeq, complete: !source.isLive() && nextSeq > events.length };
  }

  /** Follows a run from `fromSeq` (see `followRun`). Throws `RunError` for a run the scope cannot see. */
  async follow(id: string, fromSeq: number, sink: FollowSink, scope: Scope): Promise<Follower> {
    const run = this.runs.get(id);
    if (run && run.ended && run.startedAt === null) {
      this.checkScope(run.tenant.id, scope, id);
      queueMicrotask(() => sink.end()); // never ran: no journal to read
      return { stop: () => {}, nextSeq: fromSeq };
    }
    return followRun(await this.sourceOf(id, scope), fromSeq, sink);
  }

  /**
   * A finished run's journal, for replay, fork and diff: its events and where it is. A run still going
   * is refused (409): its journal is not a finished record yet.
   */
  async recorded(id: string, scope: Scope): Promise<{ events: readonly RunEvent[]; journalPath: string; display: string }> {
    const source = await this.sourceOf(id, scope);
    if (source.isLive()) throw new RunError('conflict', `run ${id} is still going; replay, fork and diff take finished runs`);
    const events = await this.parsed.events(source.journalPath);
    return { events, journalPath: source.journalPath, display: this.display(source.journalPath) };
  }

  /** Where new journals go (forks). */
  get journals(): FileJournalStore {
    return this.store;
  }

  /** The run as a follow source, live or saved, if the scope may see it. */
  private async sourceOf(id: string, scope: Scope): Promise<FollowSource> {
    const run = this.runs.get(id);
    if (run) {
      this.checkScope(run.tenant.id, scope, id);
      return run;
    }
    const saved = await this.saved.get(id);
    if (!saved) throw notFound(id);
    this.checkScope(saved.tenant, scope, id);
    return { journalPath: saved.journal, lastSeq: () => saved.lastSeq, isLive: () => false, listen: () => () => {}, flush: async () => {} };
  }

  /** Runs of this session the scope can see and that are still going (for tenant subscriptions). */
  liveRuns(tenant: string): RunInfo[] {
    return [...this.runs.values()].filter((r) => r.tenant.id === tenant && !r.ended).map((r) => r.info());
  }

  /** The state of a run of this session, or null. */
  stateOf(id: string): RunState | null {
    return this.runs.get(id)?.state ?? null;
  }

  /** Calls `listener` with a run's info whenever it is queued, starts, pauses, resumes, trips or ends. */
  onChange(listener: (run: RunInfo) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  tenantInfos(scope: Scope): TenantInfo[] {
    if (scope.tenant !== null) return [this.o.tenants.get(scope.tenant).info()];
    return this.o.tenants.list().map((t) => t.info());
  }

  validate(body: ValidateRequest): Promise<ValidateResponse> {
    return validateSquadRequest(this.o.workspace, body);
  }

  // ── control ─────────────────────────────────────────────────────────────────────────────────────

  pause(id: string, scope: Scope): RunInfo {
    return this.command(id, scope, (c) => c.hold(), 'paused');
  }

  resume(id: string, scope: Scope): RunInfo {
    return this.command(id, scope, (c) => c.resume(), 'running');
  }

  step(id: string, scope: Scope): RunInfo {
    return this.command(id, scope, (c) => c.step(), 'paused');
  }

  /** Pause, resume or step of a running or paused run: the control acts, the run shows `state` at once. */
  private command(id: string, scope: Scope, act: (control: ManagedRun['control']) => void, state: RunState): RunInfo {
    const run = this.controllable(id, scope, ['running', 'paused']);
    act(run.control);
    run.state = state;
    this.changed(run);
    return run.info();
  }

  /** Cancels a queued, running or paused run; resolves once it has ended (its journal closed). */
  async cancel(id: string, scope: Scope): Promise<RunInfo> {
    const run = this.controllable(id, scope, ['queued', 'running', 'paused']);
    run.abort.abort(new Error('cancelled through the API'));
    await this.drives.get(id);
    return run.info();
  }

  private controllable(id: string, scope: Scope, states: RunState[]): ManagedRun {
    const run = this.runs.get(id);
    if (!run) throw notFound(id); // saved runs of earlier sessions have ended: nothing to control
    this.checkScope(run.tenant.id, scope, id);
    if (!states.includes(run.state)) throw new RunError('conflict', `run ${id} is ${run.state}`, 'id');
    return run;
  }

  // ── lifetime ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Stops taking runs; cancels queued runs; holds every started run at its next checkpoint (or, past
   * the grace period, cancels it), then flushes and closes its journal. A held run's journal ends
   * without `run.completed`: it is listed as `interrupted`, and every event up to the hold is durable.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const live = [...this.runs.values()].filter((r) => !r.ended);
    for (const run of live) {
      if (run.startedAt === null) run.abort.abort(new Error('the server shut down before the run started'));
      else run.control.hold();
    }
    await Promise.all(
      live.map(async (run) => {
        if (await stopForShutdown(run, this.drives.get(run.id) ?? Promise.resolve(), this.o.shutdownGraceMs ?? 5000, this.now, this.log)) this.changed(run);
      }),
    );
    await this.host.close();
  }

  /** Where runs execute, for the server's log. */
  describeHost(): string {
    return this.host.describe();
  }

  // ── plumbing ────────────────────────────────────────────────────────────────────────────────────

  private changed(run: ManagedRun): void {
    if (this.changeListeners.size === 0) return;
    const info = run.info();
    for (const l of this.changeListeners) l(info);
  }

  private notify(call: (o: RunObserver) => void): void {
    notifyObservers(this.o.observers ?? [], call, this.log);
  }

  /**
   * Deletes a finished run's journal and forgets the run (`DELETE /api/runs/:id`), so no list shows a
   * run whose record is gone. A run still going is refused (409): cancel it first.
   */
  async remove(id: string, scope: Scope): Promise<void> {
    const source = await this.sourceOf(id, scope);
    if (source.isLive()) throw new RunError('conflict', `run ${id} is still going; cancel it before deleting it`);
    await rm(source.journalPath, { force: true });
    this.runs.delete(id);
  }

  private checkScope(tenant: string, scope: Scope, id: string): void {
    if (scope.tenant !== null && scope.tenant !== tenant) throw notFound(id);
  }

  private display(path: string): string {
    return relative(this.o.workspace, path) || path;
  }
}

function notFound(id: string): RunError {
  return new RunError('not-found', `no run "${id}"`, 'id');
}

async function discardJournal(local: RunExecution): Promise<void> {
  await local.close().catch(() => undefined);
  await rm(local.journalPath, { force: true });
}
