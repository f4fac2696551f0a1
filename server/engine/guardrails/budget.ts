import type { Guardrail, ModelCallGate, RunView, Trip } from './guardrail';

/**
 * The hard cost limit of a run. Before each model call the engine reserves the call's worst case (the
 * whole prompt uncached plus the model's `maxOutputTokens`); a call whose reservation, on top of what
 * was spent and what calls in flight have reserved, would cross the limit is not made, and the run
 * halts (in-flight calls are aborted through the run's signal). So spend can never pass the limit.
 */
export function budget(): Guardrail {
  return {
    name: 'budget',
    beforeModelCall(call: ModelCallGate, view: RunView): Trip | null {
      const spent = view.account.totals.costUsd;
      const limit = view.profile.guardrails.budgetUsd;
      const committed = spent + view.reservedUsd;
      if (committed + call.reserveUsd <= limit) return null;
      return {
        kind: 'budget',
        action: 'halt',
        agent: call.agent,
        message:
          `${call.agent}'s next call to ${call.model.model} could cost up to $${call.reserveUsd.toFixed(4)}; ` +
          `with $${committed.toFixed(4)} spent or reserved that would pass the budget of $${limit.toFixed(2)}`,
        evidence: {
          spentUsd: spent,
          reservedUsd: view.reservedUsd,
          callReserveUsd: call.reserveUsd,
          budgetUsd: limit,
          promptTokens: call.promptTokens,
          maxOutputTokens: call.maxOutputTokens,
          byAgent: Object.fromEntries(Object.entries(view.account.agents).map(([name, a]) => [name, a.costUsd])),
        },
      };
    },
  };
}
