import { randomInt } from 'node:crypto';
import type { JournalQuery } from '../../protocol/api/journalQuery';
import type { ListRunsQuery } from '../../protocol/api/listRunsQuery';
import { RunStateSchema, type JournalPage, type RunDetail, type RunInfo, type RunState } from '../../protocol/api/runInfo';
import type { RunTicket } from '../../protocol/api/runTicket';
import type { StartRunRequest } from '../../protocol/api/startRunRequest';
import type { TenantInfo } from '../../protocol/api/tenantInfo';
import { DEFAULT_TENANT } from '../../protocol/api/tenantId';
import type { ValidateRequest, ValidateResponse } from '../../protocol/api/validateRequest';
import type { RunEvent } from '../../protocol/runEvent';
import { foldEvents } from '../engine/accounting';
import type { JournalWriter } from '../engine/journalWriter';
import { resolveProfile, UnknownProfileError } from '../engine/runProfile';
import { sha256Hex as sha256 } from '../engine/sha256';
import { runIdFor } from '../runner/runId';
import type { Follower, FollowSink } from '../runs/followRun';
import { agentsOf } from '../runs/managedRun';
import { RunError } from '../runs/runError';
import { runInfoOf } from '../runs/runInfoOf';
import type { RunService, Scope } from '../runs/runService';
import { JournalError } from '../store/journalError';
import type { QueueEntry } from '../store/runQueue';
import { utcDay } from '../store/spendLedger';
import { TenantRegistry } from '../tenants/tenantRegistry';
import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import { RunPolicy } from '../trust/runPolicy';
import { followStore } from './followStore';
import { parseRequestedSquad, tenantOfRequest, validateSquadRequest } from '../runs/squadRequest';
import { LiveRunFeed } from './liveRunFeed';
import type { SharedStores } from './clusterStores';
import { firstCallFloorUsd } from '../engine/firstCallFloor';
import { budgetShortfall } from '../tenants/dailyBudget';

export interface ClusterRunsOptions {
  stores: SharedStores;
  /** Where `file:` squad paths are read from (inline `source` needs none). */
  workspace: string;
  tenants?: TenantsFile;
  /** The trust policy runs are checked against before they are queued (as the embedded server does). */
  policy?: RunPolicy;
  now?: () => Date;
}

/**
 * The API's side of the scale-out (`squad serve --store postgres://…`): a stateless front over the
 * shared stores. Starting a run claims its journal and queues it (a worker executes it); reading,
 * following and listing go to the journal store and the queue; pause, step and cancel go over the
 * control channel to whichever worker holds the run. Any number of API servers can run side by
 * side: none holds state of its own.
 */
export class ClusterRuns implements RunService {
  private readonly tenants: TenantRegistry;
  private readonly now: () => Date;
  private readonly feed: LiveRunFeed;
  private closed = false;

  readonly policy: RunPolicy;

  constructor(private readonly o: ClusterRunsOptions) {
    this.policy = o.policy ?? new RunPolicy();
    this.now = o.now ?? (() => new Date());
    this.tenants = new TenantRegistry({ ...(o.tenants ? { config: o.tenants } : {}), now: this.now });
    this.feed = new LiveRunFeed({ queue: o.stores.queue, infoOf: async (entry) => this.infoOf(entry, await this.eventsOf(entry.id)) });
  }

  /** Follows the queue's changes, so tenant subscriptions and stream end states see every process's runs (see LiveRunFeed). */
  watch(): Promise<void> {
    return this.feed.start();
  }

  get workspace(): string {
    return this.o.workspace;
  }

  async start(body: StartRunRequest, scope: Scope): Promise<RunInfo> {
    if (this.closed) throw new RunError('unavailable', 'the server is shutting down');
    const tenantId = tenantOfRequest(body, scope);
    const { source, squad } = await parseRequestedSquad(this.o.workspace, body, this.policy, scope);
    let profile: string;
    try {
      profile = resolveProfile(squad, body.profile).name;
    } catch (error) {
      if (error instanceof UnknownProfileError) throw new RunError('invalid', error.message, 'profile');
      throw error;
    }
    const policy = this.tenants.get(tenantId).policy;
    const day = await this.o.stores.ledger.today(tenantId, utcDay(this.now()));
    const short = budgetShortfall(tenantId, policy.dailyBudgetUsd, policy.dailyBudgetUsd - day.spentUsd - day.reservedUsd, firstCallFloorUsd(squad));
    if (short !== null) throw new RunError('refused', short, 'tenant', 60);
    const seed = body.seed ?? randomInt(0, 2 ** 31);
    const runId = runIdFor({ squadName: squad.name, sha256: sha256(source.text), profile, seed, tenant: tenantId });
    const { id, writer } = await this.o.stores.journals.create(runId);
    await writer.close(); // the worker reopens it; nothing is written until it starts the run
    const ticket: RunTicket = { journalId: id, runId, squad: { text: source.text, path: source.path }, profile, seed, tenant: tenantId, paused: body.paused };
    await this.o.stores.queue.enqueue({ id, tenant: tenantId, ticket });
    return this.infoOf((await this.o.stores.queue.get(id))!, []);
  }

  async list(query: ListRunsQuery, scope: Scope): Promise<RunInfo[]> {
    if (scope.tenant !== null && query.tenant !== undefined && query.tenant !== scope.tenant) return [];
    const tenant = scope.tenant ?? query.tenant;
    const entries = await this.o.stores.queue.list({ limit: query.state === undefined ? query.limit : 10_000, ...(tenant === undefined ? {} : { tenant }) });
    const out: RunInfo[] = [];
    for (const entry of entries) {
      if (out.length >= query.limit) break;
      const info = this.infoOf(entry, await this.eventsOf(entry.id));
      if (query.state === undefined || info.state === query.state) out.push(info);
    }
    return out;
  }

  async detail(id: string, scope: Scope): Promise<RunDetail> {
    const entry = await this.entry(id, scope);
    const events = await this.eventsOf(id);
    const a = foldEvents(events);
    return { ...this.infoOf(entry, events), result: a.result, agents: agentsOf(a), journal: `${this.o.stores.journals.location}#${id}` };
  }

  async journal(id: string, query: JournalQuery, scope: Scope): Promise<JournalPage> {
    const entry = await this.entry(id, scope);
    const page = await this.o.stores.journals.read(id, query.fromSeq, query.fromSeq + query.limit - 1).catch(emptyIfMissing);
    const nextSeq = query.fromSeq + page.length;
    const ended = entry.state === 'done' || entry.state === 'cancelled';
    return { events: page, nextSeq, complete: ended && (page.length < query.limit || page.at(-1)?.type === 'run.completed') };
  }

  async follow(id: string, fromSeq: number, sink: FollowSink, scope: Scope): Promise<Follower> {
    await this.entry(id, scope);
    return followStore(this.o.stores, id, fromSeq, sink);
  }

  pause(id: string, scope: Scope): Promise<RunInfo> {
    return this.command(id, scope, 'pause');
  }

  resume(id: string, scope: Scope): Promise<RunInfo> {
    return this.command(id, scope, 'resume');
  }

  step(id: string, scope: Scope): Promise<RunInfo> {
    return this.command(id, scope, 'step');
  }

  /** Cancels a queued run in the queue, or a running one through its worker; resolves once it has ended (bounded). */
  async cancel(id: string, scope: Scope): Promise<RunInfo> {
    const entry = await this.entry(id, scope);
    if (entry.state === 'done' || entry.state === 'cancelled') throw new RunError('conflict', `run ${id} has ended`, 'id');
    if (!(await this.o.stores.queue.cancelQueued(id, 'cancelled through the API'))) await this.o.stores.control.send(id, 'cancel');
    for (let i = 0; i < 200; i++) {
      const now = await this.o.stores.queue.get(id);
      if (!now || now.state === 'done' || now.state === 'cancelled') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.infoOf((await this.o.stores.queue.get(id)) ?? entry, await this.eventsOf(id));
  }

  validate(body: ValidateRequest): Promise<ValidateResponse> {
    return validateSquadRequest(this.o.workspace, body);
  }

  /** Each tenant's policy and today's spend from the shared ledger; per-run accounting lives in the journals. */
  async tenantInfos(scope: Scope): Promise<TenantInfo[]> {
    const ids =
      scope.tenant !== null
        ? [scope.tenant]
        : [...new Set([DEFAULT_TENANT, ...Object.keys(this.o.tenants?.tenants ?? {}), ...(await this.o.stores.queue.list({ limit: 1000 })).map((e) => e.tenant)])].sort();
    const day = utcDay(this.now());
    return Promise.all(
      ids.map(async (id) => {
        const policy = this.tenants.get(id).policy;
        const spend = await this.o.stores.ledger.today(id, day);
        const runs = await this.o.stores.queue.list({ limit: 10_000, tenant: id });
        return {
          id,
          policy,
          now: {
            runsInFlight: runs.filter((r) => r.state === 'claimed').length,
            runsQueued: runs.filter((r) => r.state === 'queued').length,
            spentTodayUsd: spend.spentUsd,
            reservedUsd: spend.reservedUsd,
            remainingTodayUsd: Math.max(0, policy.dailyBudgetUsd - spend.spentUsd - spend.reservedUsd),
          },
          rateLimit: { waits: 0, waitMs: 0, refusals: 0 },
          refusedRuns: runs.filter((r) => r.outcome === 'refused').length,
          totals: { runs: runs.length, modelCalls: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, costUsd: spend.spentUsd },
          squads: {},
        };
      }),
    );
  }

  async recorded(id: string, scope: Scope): Promise<{ events: readonly RunEvent[]; journalPath: string; display: string }> {
    const entry = await this.entry(id, scope);
    if (entry.state === 'queued' || entry.state === 'claimed') throw new RunError('conflict', `run ${id} is still going; replay, fork and diff take finished runs`);
    const display = `${this.o.stores.journals.location}#${id}`;
    return { events: await this.eventsOf(id), journalPath: display, display };
  }

  async remove(id: string, scope: Scope): Promise<void> {
    const entry = await this.entry(id, scope);
    if (entry.state === 'queued' || entry.state === 'claimed') throw new RunError('conflict', `run ${id} is still going; cancel it before deleting it`);
    await this.o.stores.journals.delete(id);
    await this.o.stores.queue.remove(id);
  }

  readonly journals = {
    createWriter: async (runId: string): Promise<{ path: string; writer: JournalWriter }> => {
      const { id, writer } = await this.o.stores.journals.create(runId);
      return { path: `${id}.jsonl`, writer };
    },
  };

  /** The tenant's runs not yet ended, wherever they were started and run (after `watch`). */
  liveRuns(tenant: string): RunInfo[] {
    return this.feed.runsOf(tenant);
  }

  stateOf(id: string): RunState | null {
    return this.feed.stateOf(id);
  }

  /** Calls `listener` whenever a run is queued, claimed, paused or held, released or ends, in any process (after `watch`). */
  onChange(listener: (run: RunInfo) => void): () => void {
    return this.feed.onChange(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.feed.stop();
  }

  private async command(id: string, scope: Scope, command: 'pause' | 'resume' | 'step'): Promise<RunInfo> {
    const entry = await this.entry(id, scope);
    if (entry.state !== 'claimed') throw new RunError('conflict', `run ${id} is ${this.stateFrom(entry)}`, 'id');
    // The intent is recorded first, so every API server shows `paused` (or `running`) at once, as
    // the embedded server does; the worker then reports the checkpoint it holds the run at.
    await this.o.stores.queue.setPaused(id, command !== 'resume');
    await this.o.stores.control.send(id, command);
    return this.infoOf((await this.o.stores.queue.get(id)) ?? entry, await this.eventsOf(id));
  }

  private async entry(id: string, scope: Scope): Promise<QueueEntry> {
    const entry = await this.o.stores.queue.get(id);
    if (!entry || (scope.tenant !== null && entry.tenant !== scope.tenant)) throw new RunError('not-found', `no run "${id}"`, 'id');
    return entry;
  }

  private async eventsOf(id: string): Promise<RunEvent[]> {
    return this.o.stores.journals.read(id).catch(emptyIfMissing);
  }

  private stateFrom(entry: QueueEntry): RunState {
    if (entry.state === 'queued') return 'queued';
    if (entry.state === 'cancelled') return 'cancelled';
    if (entry.state === 'claimed') return entry.paused ? 'paused' : 'running';
    const parsed = RunStateSchema.safeParse(entry.outcome);
    return parsed.success ? parsed.data : 'failed';
  }

  private infoOf(entry: QueueEntry, events: readonly RunEvent[]): RunInfo {
    const a = foldEvents(events);
    const { ticket } = entry;
    let squad = ticket.squad.path;
    const first = events[0];
    if (first?.type === 'run.started') squad = first.squad.name;
    return runInfoOf(a, {
      id: entry.id,
      runId: ticket.runId,
      tenant: entry.tenant,
      squad,
      file: ticket.squad.path,
      profile: ticket.profile,
      seed: ticket.seed,
      state: this.stateFrom(entry),
      reason: entry.reason ?? a.reason,
      held: entry.state === 'claimed' ? entry.held : null,
      budgetUsd: null,
      rateLimit: { waits: 0, waitMs: 0, refusals: 0 },
      createdAt: entry.createdAt,
      startedAt: entry.claimedAt,
      endedAt: entry.endedAt,
      queuedMs: entry.claimedAt ? entry.claimedAt.getTime() - entry.createdAt.getTime() : null,
      live: entry.state === 'queued' || entry.state === 'claimed',
    });
  }
}

function emptyIfMissing(error: unknown): RunEvent[] {
  if (error instanceof JournalError && error.code === 'ENOENT') return [];
  throw error;
}
