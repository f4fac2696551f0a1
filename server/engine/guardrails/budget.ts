import type { Guardrail, RunView, Trip } from './guardrail';

/**
 * The hard cost limit of a run. Checked before every model call (no call starts once the budget is
 * spent) and after every priced response (a single expensive answer can cross it).
 */
export function budget(): Guardrail {
  let tripped = false;
  const check = (agent: string | null, view: RunView): Trip | null => {
    const spent = view.account.totals.costUsd;
    const limit = view.profile.guardrails.budgetUsd;
    if (tripped || spent < limit) return null;
    tripped = true;
    return {
      kind: 'budget',
      action: 'halt',
      agent,
      message: `the run spent $${spent.toFixed(4)}, over its budget of $${limit.toFixed(2)}`,
      evidence: { spentUsd: spent, budgetUsd: limit, byAgent: costByAgent(view) },
    };
  };
  return {
    name: 'budget',
    beforeModelCall: (agent, view) => check(agent, view),
    afterEvent: (event, view) => (event.type === 'model.response' ? check(event.agent, view) : null),
  };
}

function costByAgent(view: RunView): Record<string, number> {
  return Object.fromEntries(Object.entries(view.account.agents).map(([name, a]) => [name, a.costUsd]));
}
