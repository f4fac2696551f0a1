import type { Guardrail, RunView, Trip } from './guardrail';
import { findWaitCycle } from './waitForGraph';

/**
 * Coordination deadlock: agents that wait on each other in a cycle can never go on. The wait-for graph
 * is updated on every ask (and join); a cycle is detected the moment its closing edge is added, not by
 * a timeout, and again when the squad goes quiet with agents still waiting on ones with nothing to do.
 * Under `break` the trip's action is `block-edge`: the engine fails the youngest wait of the cycle.
 */
export function deadlock(): Guardrail {
  const pending = (view: RunView, agents: Iterable<string>): Record<string, unknown>[] =>
    [...agents].flatMap((agent) => {
      const w = view.waits.get(agent);
      return w ? [{ agent, reason: w.reason, on: [...w.on], question: w.question, questionId: w.questionId, since: w.since }] : [];
    });
  const actionOf = (view: RunView): Trip['action'] => {
    const action = view.profile.guardrails.deadlock.action;
    return action === 'break' ? 'block-edge' : action;
  };
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
        action: actionOf(view),
        agent,
        message: `${cycle.join(' → ')} wait on each other`,
        evidence: { cycle, waits: pending(view, new Set(cycle)) },
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
        message: cycle ? `${cycle.join(' → ')} wait on each other` : `stalled: ${chain}, and nothing else is running`,
        evidence: { cycle, waits: pending(view, view.waits.keys()) },
      };
    },
  };
}
