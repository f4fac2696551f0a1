import type { Guardrail, RunView, Trip, TurnGate } from './guardrail';

/**
 * The last line of defence against infinite loops: no agent takes more turns than its limit and the
 * squad takes no more than the run's. The `loop` guardrail's repeated-state and ping-pong detection
 * catch loops earlier; these limits are hard stops that are always on.
 */
export function turnLimit(): Guardrail {
  return {
    name: 'turn-limit',
    beforeTurn({ agent }: TurnGate, view: RunView): Trip | null {
      const turns = view.account.agents[agent]?.turns ?? 0;
      const limit = view.turnLimitOf(agent);
      if (turns >= limit) {
        return {
          kind: 'loop',
          action: 'halt',
          agent,
          message: `${agent} reached its turn limit (${limit} turns) and wants another`,
          evidence: { turns, limit, scope: 'agent' },
        };
      }
      const runTurns = view.account.totals.turns;
      const runLimit = view.profile.guardrails.maxRunTurns;
      if (runTurns >= runLimit) {
        return {
          kind: 'loop',
          action: 'halt',
          agent,
          message: `the squad reached the run's turn limit (${runLimit} turns)`,
          evidence: { turns: runTurns, limit: runLimit, scope: 'run', perAgent: turnsByAgent(view) },
        };
      }
      return null;
    },
  };
}

function turnsByAgent(view: RunView): Record<string, number> {
  return Object.fromEntries(Object.entries(view.account.agents).map(([name, a]) => [name, a.turns]));
}
