import type { CascadeDecision, FailureGate, Guardrail, RunView } from './guardrail';

/**
 * Cascade: something an agent depended on (a tool call, a hand-off, its model) failed. By the
 * profile's policy the run halts before anything is built on it (`halt`), or the agent returns its
 * declared fallback marked tainted (`fallback`), or goes on with what it has and everything it sends
 * from now on is marked tainted (`taint`). An agent cannot go on without its model, and one without
 * a fallback cannot return one: those halt. The evidence names the root cause and its dependants.
 */
export function cascade(): Guardrail {
  return {
    name: 'cascade',
    onFailure(failure: FailureGate, view: RunView): CascadeDecision {
      const { policy } = view.profile.guardrails.cascade;
      const { agent, what, reason } = failure;
      const root = { agent, what, seq: failure.seq, reason };
      const evidence = { root, dependents: failure.dependents, policy };
      const fallBack = policy === 'fallback' && failure.canFallBack;
      const taint = policy === 'taint' && what !== 'model call';
      if (!fallBack && !taint) {
        const why = policy === 'fallback' ? ` and ${agent} declares no fallback` : policy === 'taint' ? ` and ${agent} cannot go on without its model` : '';
        return {
          outcome: 'halt',
          trip: { kind: 'cascade', action: 'halt', agent, message: `${agent}'s ${what} failed (${reason})${why}; halting before anything is built on it`, evidence },
        };
      }
      return {
        outcome: fallBack ? 'fallback' : 'taint',
        trip: {
          kind: 'cascade',
          action: 'warn',
          agent,
          message: fallBack
            ? `${agent}'s ${what} failed (${reason}); it returns its fallback, marked tainted`
            : `${agent}'s ${what} failed (${reason}); it goes on, and what it sends is marked tainted`,
          evidence,
        },
      };
    },
  };
}
