import type { JournalQuery } from '../../protocol/api/journalQuery';
import type { ListRunsQuery } from '../../protocol/api/listRunsQuery';
import type { JournalPage, RunDetail, RunInfo, RunState } from '../../protocol/api/runInfo';
import type { StartRunRequest } from '../../protocol/api/startRunRequest';
import type { TenantInfo } from '../../protocol/api/tenantInfo';
import type { ValidateRequest, ValidateResponse } from '../../protocol/api/validateRequest';
import type { RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import type { RunPolicy } from '../trust/runPolicy';
import type { Follower, FollowSink } from './followRun';

/** Who is asking: the server token (every tenant) or a token scoped to one tenant. */
export interface Scope {
  tenant: string | null;
}

/**
 * What the HTTP API and the live stream ask of the runs: start, list, read, follow, control. Two
 * implementations: `RunManager` (the embedded server, runs in this process, journals in the
 * workspace) and `ClusterRuns` (`squad serve --store postgres://…`: runs queued for workers,
 * journals, budgets and control in the database). Every method that takes a `Scope` hides other
 * tenants' runs from a scoped token ("not found").
 */
export interface RunService {
  /** The workspace whose squad files runs may name. */
  readonly workspace: string;
  /** What a run may do, by who asks (the trust boundary), checked before a run or a fork starts. */
  readonly policy: RunPolicy;
  start(body: StartRunRequest, scope: Scope): Promise<RunInfo>;
  list(query: ListRunsQuery, scope: Scope): Promise<RunInfo[]>;
  detail(id: string, scope: Scope): Promise<RunDetail>;
  journal(id: string, query: JournalQuery, scope: Scope): Promise<JournalPage>;
  follow(id: string, fromSeq: number, sink: FollowSink, scope: Scope): Promise<Follower>;
  pause(id: string, scope: Scope): RunInfo | Promise<RunInfo>;
  resume(id: string, scope: Scope): RunInfo | Promise<RunInfo>;
  step(id: string, scope: Scope): RunInfo | Promise<RunInfo>;
  cancel(id: string, scope: Scope): Promise<RunInfo>;
  validate(body: ValidateRequest): Promise<ValidateResponse>;
  tenantInfos(scope: Scope): TenantInfo[] | Promise<TenantInfo[]>;
  /** A finished run's events, for replay, fork and diff (a run still going: 409). */
  recorded(id: string, scope: Scope): Promise<{ events: readonly RunEvent[]; journalPath: string; display: string }>;
  remove(id: string, scope: Scope): Promise<void>;
  /** Where new journals go (forks). */
  readonly journals: { createWriter(runId: string): Promise<{ path: string; writer: JournalWriter }> };
  /** Runs of `tenant` still going that this server knows of (for tenant subscriptions). */
  liveRuns(tenant: string): RunInfo[];
  stateOf(id: string): RunState | null;
  onChange(listener: (run: RunInfo) => void): () => void;
  close(): Promise<void>;
}
