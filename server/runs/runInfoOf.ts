import type { RunInfo, RunState } from '../../protocol/api/runInfo';
import type { RunAccount } from '../engine/accounting';

export interface RunFacts {
  id: string;
  runId: string;
  tenant: string;
  squad: string;
  file: string;
  profile: string;
  seed: number;
  state: RunState;
  reason: string | null;
  held: RunInfo['held'];
  budgetUsd: number | null;
  rateLimit: RunInfo['rateLimit'];
  createdAt: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  queuedMs: number | null;
  live: boolean;
}

/** A run as the API lists it: the journal's fold (usage, trips, time) plus what the server knows. */
export function runInfoOf(a: RunAccount, f: RunFacts): RunInfo {
  return {
    id: f.id,
    runId: f.runId,
    tenant: f.tenant,
    squad: f.squad,
    file: f.file,
    profile: f.profile,
    seed: f.seed,
    state: f.state,
    reason: f.reason,
    held: f.held,
    lastSeq: a.lastSeq,
    virtualMs: a.virtualMs,
    usage: {
      inputTokens: a.totals.inputTokens,
      cachedInputTokens: a.totals.cachedInputTokens,
      outputTokens: a.totals.outputTokens,
      costUsd: Math.round(a.totals.costUsd * 1e10) / 1e10,
    },
    budgetUsd: f.budgetUsd,
    guardrails: a.guardrails.map((g) => ({ seq: g.seq, kind: g.kind, agent: g.agent, action: g.action, message: g.message })),
    journalLimits: a.journalLimits.map((l) => ({ ...l })),
    rateLimit: f.rateLimit,
    createdAt: f.createdAt?.toISOString() ?? null,
    startedAt: f.startedAt?.toISOString() ?? null,
    endedAt: f.endedAt?.toISOString() ?? null,
    queuedMs: f.queuedMs,
    wallMs: f.startedAt && f.endedAt ? f.endedAt.getTime() - f.startedAt.getTime() : null,
    live: f.live,
  };
}
