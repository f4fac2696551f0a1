import type { RunDetail, RunInfo, RunState } from '../../protocol/api/runInfo';
import type { RunEvent } from '../../protocol/runEvent';
import { applyEvent, emptyRunAccount, type RunAccount } from '../engine/accounting';
import type { Tenant } from '../tenants/tenant';
import type { FollowSource } from './followRun';
import { runInfoOf } from './runInfoOf';
import type { RunControls, RunExecution } from './runExecution';

/**
 * One run of this server session, from queued to ended: its execution (its journal and its engine,
 * on this thread or a run thread), its pause control, its live accounting fold and the listeners that
 * follow it. The run manager drives it; this class only holds its state and tells listeners.
 */
export class ManagedRun implements FollowSource {
  readonly account: RunAccount = emptyRunAccount();
  readonly rateLimit = { waits: 0, waitMs: 0, refusals: 0 };
  state: RunState = 'queued';
  reason: string | null = null;
  budgetUsd: number | null = null;
  readonly createdAt: Date;
  startedAt: Date | null = null;
  endedAt: Date | null = null;
  private readonly listeners = new Set<{ event: (e: RunEvent) => void; ended: () => void }>();

  constructor(
    readonly local: RunExecution,
    /** Aborting it cancels the run; the signal the execution's controls were made with. */
    readonly abort: AbortController,
    readonly tenant: Tenant,
    readonly squad: string,
    readonly file: string,
    readonly seed: number,
    now: Date,
    /** What the run had cost before this session (a resumed run's recorded part); the tenant's day counts it already. */
    readonly priorCostUsd = 0,
  ) {
    this.createdAt = now;
  }

  get control(): RunControls {
    return this.local.control;
  }

  get id(): string {
    return this.local.journalId;
  }

  get journalPath(): string {
    return this.local.journalPath;
  }

  get ended(): boolean {
    return this.endedAt !== null;
  }

  /** The engine's listener: fold, then tell followers. Runs synchronously on the engine's path. */
  emit(event: RunEvent): void {
    applyEvent(this.account, event);
    for (const l of this.listeners) l.event(event);
  }

  /** Marks the run ended and tells followers that no more events will come. */
  end(state: RunState, reason: string | null, now: Date): void {
    this.state = state;
    this.reason = reason;
    this.endedAt = now;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const l of listeners) l.ended();
  }

  // ── FollowSource ─────────────────────────────────────────────────────────────────────────────────

  lastSeq(): number {
    return this.account.lastSeq;
  }

  isLive(): boolean {
    return !this.ended;
  }

  listen(event: (e: RunEvent) => void, ended: () => void): () => void {
    const entry = { event, ended };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  flush(): Promise<void> {
    return this.local.flush();
  }

  // ── views ────────────────────────────────────────────────────────────────────────────────────────

  info(): RunInfo {
    const queuedMs = this.startedAt ? this.startedAt.getTime() - this.createdAt.getTime() : null;
    return runInfoOf(this.account, {
      id: this.id,
      runId: this.local.runId,
      tenant: this.tenant.id,
      squad: this.squad,
      file: this.file,
      profile: this.local.profile.name,
      seed: this.seed,
      state: this.state,
      reason: this.reason ?? this.account.reason,
      held: this.control.heldAt,
      budgetUsd: this.budgetUsd,
      rateLimit: { ...this.rateLimit },
      createdAt: this.createdAt,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      queuedMs,
      live: true,
    });
  }

  detail(journal: string): RunDetail {
    return { ...this.info(), result: this.account.result, agents: agentsOf(this.account), journal };
  }
}

export function agentsOf(account: RunAccount): RunDetail['agents'] {
  return Object.fromEntries(
    Object.entries(account.agents).map(([name, a]) => [
      name,
      {
        turns: a.turns,
        modelCalls: a.modelCalls,
        inputTokens: a.inputTokens,
        cachedInputTokens: a.cachedInputTokens,
        outputTokens: a.outputTokens,
        costUsd: a.costUsd,
        toolCalls: a.toolCalls,
        toolErrors: a.toolErrors,
        modelMs: a.modelMs,
        toolMs: a.toolMs,
        messagesSent: a.messagesSent,
      },
    ]),
  );
}
