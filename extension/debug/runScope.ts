import type { AgentAccount } from '../../protocol/runAccount';
import type { DebugRunState } from './debugRunState';

/** An agent's numbers as the debugger names them. */
function agentFigures(a: AgentAccount | undefined) {
  const inputTokens = a?.inputTokens ?? 0;
  const outputTokens = a?.outputTokens ?? 0;
  return {
    turns: a?.turns ?? 0,
    modelCalls: a?.modelCalls ?? 0,
    inputTokens,
    cachedInputTokens: a?.cachedInputTokens ?? 0,
    outputTokens,
    tokens: inputTokens + outputTokens,
    cost: a?.costUsd ?? 0,
    toolCalls: a?.toolCalls ?? 0,
    messagesSent: a?.messagesSent ?? 0,
  };
}

/**
 * The names an expression can use at a stop, as plain data: the current agent's figures at the top
 * level (`tokens`, `cost`, `turn`, `mailbox`), the run's under `run`, every agent under `agents`.
 * Conditional breakpoints and the debug console read the same scope, so what the console shows is
 * what a condition tests.
 */
export function runScope(state: DebugRunState, agent: string | null): Record<string, unknown> {
  const acc = state.account;
  const agents = Object.fromEntries(
    [...state.agents.values()].map((a) => [
      a.name,
      {
        ...agentFigures(acc.agents[a.name]),
        status: a.status,
        turn: a.turn,
        mailbox: a.mailbox.length,
        waitingOn: a.wait?.on ?? [],
      },
    ]),
  );
  const current = agent === null ? undefined : state.agents.get(agent);
  const run = {
    id: acc.runId,
    squad: state.squad.name,
    profile: acc.profile,
    seed: acc.seed,
    status: acc.status,
    t: acc.virtualMs,
    cost: acc.totals.costUsd,
    tokens: acc.totals.inputTokens + acc.totals.outputTokens,
    inputTokens: acc.totals.inputTokens,
    outputTokens: acc.totals.outputTokens,
    turns: Object.values(acc.agents).reduce((n, a) => n + a.turns, 0),
    budget: state.budgetUsd,
    budgetLeft: state.budgetLeftUsd,
    trips: acc.guardrails.length,
  };
  return {
    ...agentFigures(agent === null ? undefined : acc.agents[agent]),
    agent,
    turn: current?.turn ?? 0,
    status: current?.status ?? null,
    mailbox: current?.mailbox.map((m) => ({ from: m.from, kind: m.kind, tokens: m.tokens, content: m.content })) ?? [],
    context: current?.context ?? [],
    waitingOn: current?.wait?.on ?? [],
    budgetLeft: run.budgetLeft,
    run,
    agents,
    guardrails: acc.guardrails.map((g) => ({ kind: g.kind, agent: g.agent, action: g.action, message: g.message, evidence: g.evidence })),
  };
}
