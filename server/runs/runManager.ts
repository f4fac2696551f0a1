import { randomInt } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { ListRunsQuery } from '../../protocol/api/listRunsQuery';
import type { JournalQuery } from '../../protocol/api/journalQuery';
import type { JournalPage, RunDetail, RunInfo, RunState } from '../../protocol/api/runInfo';
import type { StartRunRequest } from '../../protocol/api/startRunRequest';
import type { TenantInfo } from '../../protocol/api/tenantInfo';
import { DEFAULT_TENANT } from '../../protocol/api/tenantId';
import type { ValidateRequest, ValidateResponse } from '../../protocol/api/validateRequest';
import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import type { RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import { UnknownProfileError } from '../engine/runProfile';
import { realSleep } from '../tenants/realSleep';
import { LocalRun } from '../runner/localRun';
import { FileJournalStore } from '../store/fileJournalStore';
import { endsUnfinished } from '../store/endsUnfinished';
import { JournalError } from '../store/journalError';
import { BulkheadFullError } from '../tenants/bulkhead';
import { spendOfJournal } from '../tenants/journalSpend';
import type { BudgetReservation } from '../tenants/dailyBudget';
import { RateLimitedProvider } from '../tenants/rateLimitedProvider';
import type { Tenant } from '../tenants/tenant';
import type { TenantRegistry } from '../tenants/tenantRegistry';
import { followRun, type Follower, type FollowSink, type FollowSource } from './followRun';
import { JournalCache } from './journalCache';
import { ManagedRun } from './managedRun';
import { readSquadSource } from './readSquadSource';
import { ResumedRun } from './resumedRun';
import type { RunExecution } from './runExecution';
import { RunError } from './runError';
import { notifyObservers, type RunObserver } from './runObserver';
import { SavedRuns } from './savedRuns';
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
  /** Decorates each run's journal writer (the metrics' append latency). */
  wrapJournal?: (inner: JournalWriter) => JournalWriter;
  /** Who may start what (inline files, processes, hosts, variables); default: the strict defaults of `RunPolicy`. */
  policy?: RunPolicy;
}

/**
 * Runs squads in this process for the server: admission (tenant budget, bulkhead), execution with
 * the tenant's rate limits and budget composed around the engine's ports, pause/resume/step/cancel,
 * followers from any seq, the list of this session's and saved runs, and a clean shutdown.
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

  constructor(private readonly o: RunManagerOptions) {
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
    const tenantId = body.tenant ?? scope.tenant ?? DEFAULT_TENANT;
    if (scope.tenant !== null && tenantId !== scope.tenant) {
      throw new RunError('forbidden', `this token may only start runs of tenant "${scope.tenant}"`, 'tenant');
    }
    const source = await readSquadSource(this.o.workspace, body);
    const parsed = parseSquadFile(source.text, source.path);
    if (!parsed.ok) throw new RunError('invalid', parsed.errors.map(formatDiagnostic).join('\n'), source.field);
    this.policy.check(parsed.squad, source.field === 'file' ? 'workspace' : 'inline', scope);
    const environment = this.policy.environmentFor(parsed.squad);
    const tenant = this.o.tenants.get(tenantId);
    this.admit(tenant);

    let local: LocalRun;
    try {
      local = await LocalRun.open({
        squad: parsed.squad,
        text: source.text,
        path: source.path,
        profile: body.profile,
        seed: body.seed ?? randomInt(0, 2 ** 31),
        tenant: tenantId,
        workspace: this.o.workspace,
        secrets: environment.secrets,
        env: environment.env,
        toolDir: source.dir,
      });
    } catch (error) {
      if (error instanceof UnknownProfileError) throw new RunError('invalid', error.message, 'profile');
      throw error;
    }
    const run: ManagedRun = new ManagedRun(local, tenant, parsed.squad.name, source.path, local.seed, body.paused, this.now(), () => this.changed(run));
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
    this.runs.set(run.id, run);
    this.changed(run);
    const drive = this.drive(run, ticket);
    this.drives.set(run.id, drive);
    void drive.finally(() => this.drives.delete(run.id));
    return run.info();
  }

  /** Refuses before a journal is claimed when the tenant's day is spent or its queue is full. */
  private admit(tenant: Tenant): void {
    if (tenant.budget.remainingUsd <= 0) {
      tenant.refusedRuns += 1;
      throw new RunError('refused', `tenant "${tenant.id}" has no budget left today ($${tenant.policy.dailyBudgetUsd.toFixed(2)} a day)`, 'tenant', secondsToUtcMidnight(this.now()));
    }
    const b = tenant.bulkhead;
    if (b.running >= b.maxConcurrent && b.queued >= b.maxQueued) {
      tenant.refusedRuns += 1;
      throw new RunError('refused', `tenant "${tenant.id}": ${new BulkheadFullError(b.running, b.queued).message}`, 'tenant', 1);
    }
  }

  private async drive(run: ManagedRun, ticket: Promise<() => void>): Promise<void> {
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
        reservation = run.tenant.budget.reserve(run.local.profile.guardrails.budgetUsd);
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
      const resumedAfterSeq = run.local instanceof ResumedRun ? run.local.events.at(-1)?.seq : undefined;
      this.notify((o) => o.runStarted({ id: run.id, tenant: run.tenant.id, squad: run.squad, startedAt: run.startedAt!, ...(resumedAfterSeq === undefined ? {} : { resumedAfterSeq }) }));
      this.changed(run);
      const startedAt = this.o.tenants.elapsedMs();
      const outcome = await run.local.execute({
        signal: run.abort.signal,
        control: run.control,
        budgetUsd: granted.grantedUsd,
        onEvent: (e) => this.onEvent(run, granted, e),
        ...(this.o.wrapJournal ? { wrapJournal: this.o.wrapJournal } : {}),
        wrapModel: (inner, clock) =>
          new RateLimitedProvider(
            inner,
            run.tenant.limiter,
            this.o.tenants.timeline(startedAt, () => clock.now()),
            {
              onWait: (ms) => {
                run.rateLimit.waits += 1;
                run.rateLimit.waitMs += ms;
              },
              onRefused: () => (run.rateLimit.refusals += 1),
            },
            realSleep(clock),
          ),
      });
      await run.local.close();
      reservation.close();
      untrack();
      run.end(outcome.status, outcome.reason, this.now());
    } catch (error) {
      if (run.ended) return; // interrupted by shutdown, which has recorded why
      // The engine or the journal failed (a bug, a full disk): the run is over; say why, keep serving.
      this.log(`run ${run.id} failed: ${messageOf(error)}`);
      await run.local.close().catch(() => undefined);
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
    run.end(state, reason, this.now());
  }

  /**
   * Counts into each tenant's daily budget what runs of earlier server sessions spent today (UTC):
   * the journals last written today, each summed in one streaming pass (`spendOfJournal`), a few at a
   * time. Call once at start, before taking runs.
   */
  async countEarlierSpend(): Promise<{ journals: number; usd: number }> {
    const today = this.now().toISOString().slice(0, 10);
    const files = (await this.store.list()).filter((f) => f.mtime.toISOString().slice(0, 10) === today && !this.runs.has(f.id));
    let usd = 0;
    let counted = 0;
    for (let i = 0; i < files.length; i += SPEND_SCAN_PARALLEL) {
      const spends = await Promise.all(
        files.slice(i, i + SPEND_SCAN_PARALLEL).map((f) =>
          spendOfJournal(f.path).catch((error: unknown) => {
            this.log(`cannot count the spend of ${f.id}: ${messageOf(error)}`);
            return null;
          }),
        ),
      );
      for (const spend of spends) {
        if (!spend?.tenant || !(spend.costUsd > 0)) continue;
        this.o.tenants.get(spend.tenant).budget.addCommitted(spend.costUsd);
        usd += spend.costUsd;
        counted += 1;
      }
    }
    return { journals: counted, usd };
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
    for (const file of await this.store.list()) {
      if (this.runs.has(file.id)) continue;
      if (!(await endsUnfinished(file.path))) continue;
      if (!options.resume) {
        interrupted.push(file.id);
        continue;
      }
      try {
        const local = await ResumedRun.open(file.path, (squad, path) => {
          this.policy.check(squad, 'workspace', { tenant: null });
          return { ...this.policy.environmentFor(squad), toolDir: dirname(resolve(this.o.workspace, path)) };
        });
        if (!local) continue;
        this.startResumed(local);
        resumed.push(file.id);
      } catch (error) {
        this.log(`cannot resume run ${file.id}: ${messageOf(error)}`);
        interrupted.push(file.id);
      }
    }
    return { interrupted, resumed };
  }

  private startResumed(local: ResumedRun): void {
    const { started } = local;
    const tenant = this.o.tenants.get(started.tenant);
    const run: ManagedRun = new ManagedRun(local, tenant, started.squad.name, started.squad.path, started.seed, false, this.now(), () => this.changed(run), local.priorCostUsd);
    this.runs.set(run.id, run);
    this.changed(run);
    // Through the tenant's bulkhead like any run; a full queue waits rather than refusing a resume.
    const drive = this.drive(run, tenant.bulkhead.enter(run.abort.signal));
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

  async validate(body: ValidateRequest): Promise<ValidateResponse> {
    const source = await readSquadSource(this.o.workspace, body);
    const parsed = parseSquadFile(source.text, source.path);
    return parsed.ok
      ? { ok: true, squad: { name: parsed.squad.name, agents: Object.keys(parsed.squad.agents), entry: parsed.squad.task.entry }, errors: [], warnings: parsed.warnings }
      : { ok: false, squad: null, errors: parsed.errors, warnings: parsed.warnings };
  }

  // ── control ─────────────────────────────────────────────────────────────────────────────────────

  pause(id: string, scope: Scope): RunInfo {
    const run = this.controllable(id, scope, ['running', 'paused']);
    run.control.hold();
    run.state = 'paused';
    this.changed(run);
    return run.info();
  }

  resume(id: string, scope: Scope): RunInfo {
    const run = this.controllable(id, scope, ['running', 'paused']);
    run.control.resume();
    run.state = 'running';
    this.changed(run);
    return run.info();
  }

  step(id: string, scope: Scope): RunInfo {
    const run = this.controllable(id, scope, ['running', 'paused']);
    run.control.step();
    run.state = 'paused';
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
    if (!run) {
      throw notFound(id); // saved runs of earlier sessions have ended: nothing to control
    }
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
    const grace = this.o.shutdownGraceMs ?? 5000;
    const live = [...this.runs.values()].filter((r) => !r.ended);
    for (const run of live) {
      if (run.startedAt === null) run.abort.abort(new Error('the server shut down before the run started'));
      else run.control.hold();
    }
    await Promise.all(
      live.map(async (run) => {
        const drive = this.drives.get(run.id) ?? Promise.resolve();
        if (run.startedAt === null) return drive;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), grace)));
        const first = await Promise.race([run.control.whenHeld().then(() => 'held' as const), drive.then(() => 'ended' as const), timeout]);
        clearTimeout(timer);
        if (first === 'ended' || run.ended) return;
        if (first === 'held') {
          const at = run.control.heldAt;
          await run.local.close().catch((error: unknown) => this.log(`run ${run.id}: journal close failed: ${messageOf(error)}`));
          run.end('interrupted', `the server shut down; the run was paused${at ? ` before ${at.kind} of ${at.agent}` : ''}`, this.now());
          this.changed(run);
          return;
        }
        run.abort.abort(new Error('the server shut down and the run did not reach a checkpoint in time'));
        await drive;
      }),
    );
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

/** Journals summed at once when counting today's earlier spend. */
const SPEND_SCAN_PARALLEL = 8;

function notFound(id: string): RunError {
  return new RunError('not-found', `no run "${id}"`, 'id');
}

async function discardJournal(local: RunExecution): Promise<void> {
  await local.close().catch(() => undefined);
  await rm(local.journalPath, { force: true });
}

function secondsToUtcMidnight(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
}
