import type { Guardrail, RunView, Trip } from './guardrail';
import { findWaitCycle } from './waitForGraph';

/**
 * Coordination deadlock: agents that wait on each other in a cycle can never go on. Detected the
 * moment the cycle closes (an agent starts to wait), and again when the squad goes quiet with agents
 * still waiting on ones that have nothing left to do.
 */
export function deadlock(): Guardrail {
  const describe = (view: RunView): Record<string, unknown>[] =>
    [...view.waits].map(([agent, w]) => ({ agent, reason: w.reason, on: [...w.on], questionId: w.questionId }));
  return {
    name: 'deadlock',
    onWait(agent: string, view: RunView): Trip | null {
      const cycle = findWaitCycle(view.waits, agent);
      if (!cycle) return null;
      // Agents blocked on answers can never answer each other. A join may still be met by a message
      // in flight, so a cycle with a join in it is only judged once the squad goes quiet.
      if (cycle.some((a) => view.waits.get(a)?.reason !== 'answer')) return null;
      return {
        kind: 'deadlock',
        action: view.profile.guardrails.deadlock,
        agent,
        message: `deadlock: ${cycle.join(' → ')} wait on each other`,
        evidence: { cycle, waits: describe(view) },
      };
    },
    onQuiescent(view: RunView): Trip | null {
      if (view.waits.size === 0 || view.inFlight > 0) return null;
      const cycle = findWaitCycle(view.waits);
      const chain = [...view.waits].map(([agent, w]) => `${agent} waits on ${w.on.join(', ')}`).join('; ');
      return {
        kind: 'deadlock',
        action: 'halt',
        agent: view.waits.keys().next().value ?? null,
        message: cycle
          ? `deadlock: ${cycle.join(' → ')} wait on each other`
          : `stalled: ${chain}, and nothing else is running`,
        evidence: { cycle, waits: describe(view) },
      };
    },
  };
}
