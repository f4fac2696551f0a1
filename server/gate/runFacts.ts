import type { GuardrailKind, RunStatus } from '../../protocol/runEvent';
import type { RunOutcome } from '../engine/runSquad';

/** The figures of one finished run that a test case's expectations look at. */
export interface RunFacts {
  status: RunStatus;
  costUsd: number;
  turns: number;
  virtualMs: number;
  /** Every guardrail kind that tripped, in the order of its first trip, with how often. */
  trips: { kind: GuardrailKind; count: number; action: string; message: string }[];
  result: string | null;
  reason: string | null;
}

export function runFactsOf(outcome: RunOutcome): RunFacts {
  const a = outcome.account;
  const trips = new Map<GuardrailKind, RunFacts['trips'][number]>();
  for (const g of a.guardrails) {
    const seen = trips.get(g.kind);
    if (seen) seen.count += 1;
    else trips.set(g.kind, { kind: g.kind, count: 1, action: g.action, message: g.message });
  }
  return {
    status: outcome.status,
    // Costs are sums of many small floats: 10 decimals hide the noise, not the money.
    costUsd: Math.round(a.totals.costUsd * 1e10) / 1e10,
    turns: a.totals.turns,
    virtualMs: a.virtualMs,
    trips: [...trips.values()],
    result: outcome.result,
    reason: outcome.reason,
  };
}
