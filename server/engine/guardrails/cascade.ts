import type { CascadeDecision, FailureGate, Guardrail, RunView, ToolServerDownGate, Trip } from './guardrail';

/**
 * Cascade: something an agent depended on (a tool call, a hand-off, its model) failed. By the
 * profile's policy the run halts before anything is built on it (`halt`), or the agent returns its
 * declared fallback marked tainted (`fallback`), or goes on with what it has and everything it sends
 * from now on is marked tainted (`taint`). An agent cannot go on without its model, and one without
 * a fallback cannot return one: those halt. The evidence names the root cause and its dependants.
 *
 * A tool server that did not start is a cascade rooted at the server, judged as the run begins:
 * under `halt` the run halts there if any agent holds its tools; under `fallback` and `taint` it
 * goes on (a warning), and each call to the server then fails as `unavailable`, which `onFailure`
 * judges for the agent that made it.
 */
export function cascade(): Guardrail {
  return {
    name: 'cascade',
    onToolServerDown(down: ToolServerDownGate, view: RunView): Trip {
      const { policy } = view.profile.guardrails.cascade;
      const { server, reason, agents } = down;
      const who = agents.length === 0 ? 'no agent uses its tools' : `${agents.join(', ')} ${agents.length === 1 ? 'depends' : 'depend'} on its tools`;
      const then =
        agents.length === 0
          ? ''
          : policy === 'halt'
            ? '; halting before anything is built on it'
            : `; under the ${policy} policy each call to it fails and ${policy === 'fallback' ? "returns the agent's fallback" : 'taints what the agent sends'}`;
      return {
        kind: 'cascade',
        action: policy === 'halt' && agents.length > 0 ? 'halt' : 'warn',
        agent: null,
        message: `tool server "${server}" did not start (${reason}); ${who}${then}`,
        evidence: { root: { server, what: 'tool server start', seq: down.seq, reason }, dependents: [...agents], policy },
      };
    },
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
