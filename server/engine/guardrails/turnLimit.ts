import type { Guardrail, PromptGate, RunView, Trip, TurnGate } from './guardrail';

/** A model may not loop on tool calls forever inside one turn. */
export const MAX_MODEL_CALLS_PER_TURN = 16;

/**
 * The last line of defence against infinite loops: no agent takes more turns than its limit and the
 * squad takes no more than the run's. The `loop` guardrail's repeated-state and ping-pong detection
 * catch loops earlier; these limits are hard stops that are always on, as is the cap on model calls
 * within one turn (a model that keeps calling tools and never ends its turn).
 */
export function turnLimit(): Guardrail {
  return {
    name: 'turn-limit',
    beforePrompt({ agent, turn, callsInTurn }: PromptGate): Trip | null {
      if (callsInTurn < MAX_MODEL_CALLS_PER_TURN) return null;
      return {
        kind: 'loop',
        action: 'halt',
        agent,
        message: `${agent} made ${callsInTurn} model calls in one turn without ending it`,
        evidence: { turn, modelCalls: callsInTurn, limit: MAX_MODEL_CALLS_PER_TURN },
      };
    },
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
