import type { Guardrail, RunView, Trip, WaitEdgeGate } from './guardrail';
import { findWaitCycle } from './waitForGraph';

/**
 * Coordination deadlock: agents that wait on each other in a cycle can never go on. The wait-for graph
 * is updated on every ask and join; a cycle, through asks, joins or both, is detected the moment its
 * closing edge is added, whatever other agents are doing, and the squad going quiet with agents still
 * waiting is a stall. Under `break` the trip's action is `block-edge`: the engine fails the youngest
 * question of the cycle (a cycle of joins alone halts: there is no question to withdraw).
 */
/** Whether `from`'s wait on `to` is blocked: no message on its way from `to` will meet it. */
export function blocked(view: Pick<RunView, 'waits' | 'inTransit'>, from: string, to: string): boolean {
  const answers = view.waits.get(from)?.reason === 'answer' ? 'answers' : undefined;
  return view.inTransit(to, from, answers) === 0;
}

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
    onWaitEdge({ agent }: WaitEdgeGate, view: RunView): Trip | null {
      // An edge A → B that a message from B already on its way to A will meet is not blocked: such a
      // cycle may still resolve. Every other cycle of waiting agents never can, whatever the rest of
      // the squad does: a waiting agent takes no turn, so it sends nothing.
      const cycle = findWaitCycle(view.waits, agent, (from, to) => blocked(view, from, to));
      if (!cycle) return null;
      // A join cannot be withdrawn: a cycle without a question to withdraw halts under `break`.
      const breakable = cycle.some((a) => view.waits.get(a)?.reason === 'answer');
      const action = actionOf(view);
      return {
        kind: 'deadlock',
        action: action === 'block-edge' && !breakable ? 'halt' : action,
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
