import type { Guardrail, RunView, Trip } from './guardrail';

/**
 * The run's deadline (`runTimeoutMs`, in run time): work scheduled past it is not done, and the run
 * halts with what was still busy as the evidence. Always on, like the turn limits.
 */
export function timeout(): Guardrail {
  return {
    name: 'timeout',
    onDeadline(deadline: number, view: RunView): Trip {
      const busy = view.busyAgents();
      return {
        kind: 'timeout',
        action: 'halt',
        agent: null,
        message: `the run passed its deadline of ${Math.round(deadline / 1000)} s with ${busy.length} agent${busy.length === 1 ? '' : 's'} still busy`,
        evidence: { deadlineMs: deadline, busy, modelMs: view.account.totals.modelMs, toolMs: view.account.totals.toolMs },
      };
    },
  };
}
