import type { UsageTotals } from '../../protocol/api/tenantInfo';
import type { AgentAccount, RunAccount } from '../engine/accounting';

type AgentTotals = Omit<UsageTotals, 'runs'>;
export type SquadTotals = UsageTotals & { agents: Record<string, AgentTotals> };

export interface LedgerSnapshot {
  totals: UsageTotals;
  squads: Record<string, SquadTotals>;
}

/**
 * A tenant's accounting per workflow (squad) and agent. It keeps no figures of its own for runs in
 * flight: it sums their live `RunAccount`s (the engine's fold of the journal), and folds a run's
 * account into its closed totals when the run ends. So the tenant's figures and the runs' can never
 * disagree.
 */
export class TenantLedger {
  private readonly closed: Record<string, SquadTotals> = {};
  private readonly live = new Set<{ squad: string; account: RunAccount }>();

  /** Counts a run from now on; call the returned function once when it ends. */
  track(squad: string, account: RunAccount): () => void {
    const entry = { squad, account };
    this.live.add(entry);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.live.delete(entry);
      addRun(this.closed, squad, account);
    };
  }

  snapshot(): LedgerSnapshot {
    const squads: Record<string, SquadTotals> = structuredClone(this.closed);
    for (const { squad, account } of this.live) addRun(squads, squad, account);
    const totals = emptyTotals();
    for (const s of Object.values(squads)) {
      totals.runs += s.runs;
      addUsage(totals, s);
    }
    return { totals, squads };
  }
}

function addRun(into: Record<string, SquadTotals>, squad: string, account: RunAccount): void {
  const s = (into[squad] ??= { ...emptyTotals(), agents: {} });
  s.runs += 1;
  addUsage(s, fromAccount(account.totals));
  for (const [name, a] of Object.entries(account.agents)) {
    addUsage((s.agents[name] ??= emptyAgentTotals()), fromAccount(a));
  }
}

function fromAccount(a: AgentAccount): AgentTotals {
  return {
    modelCalls: a.modelCalls,
    inputTokens: a.inputTokens,
    cachedInputTokens: a.cachedInputTokens,
    outputTokens: a.outputTokens,
    costUsd: a.costUsd,
  };
}

function addUsage(into: AgentTotals, from: AgentTotals): void {
  into.modelCalls += from.modelCalls;
  into.inputTokens += from.inputTokens;
  into.cachedInputTokens += from.cachedInputTokens;
  into.outputTokens += from.outputTokens;
  into.costUsd += from.costUsd;
}

function emptyAgentTotals(): AgentTotals {
  return { modelCalls: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, costUsd: 0 };
}

function emptyTotals(): UsageTotals {
  return { runs: 0, ...emptyAgentTotals() };
}
