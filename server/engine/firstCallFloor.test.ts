import { describe, expect, it } from 'vitest';
import { firstCallFloorUsd } from './firstCallFloor';
import { runTestSquad, squadFrom } from './testSquad';

/** A priced entry agent that hands off and asks, so every control tool's spec is in its prompt. */
const squad = (budget?: number) => `
version: 1
name: floor
task: { entry: planner, input: "Price the loan for Acme Freight: five trucks, a revolving line, covenants as last year." }
models: { m: { provider: simulated, model: gpt-4.1, maxOutputTokens: 300 } }
${budget === undefined ? '' : `guardrails: { budgetUsd: ${String(budget)} }`}
agents:
  planner: { role: planner, model: m, instructions: "Split the work, then finish with the memo.", handoffs: [worker], asks: [worker], script: [ { finish: priced } ] }
  worker: { role: worker, model: m, script: [ { finish: done } ] }
`;

describe('firstCallFloorUsd', () => {
  const floor = firstCallFloorUsd(squadFrom(squad()));

  it('is exactly what the budget reserves for the entry agent’s first call: granted that, the call is made', async () => {
    expect(floor).toBeGreaterThan(0);
    const run = await runTestSquad(squad(floor));
    expect(run.of('model.request')).toHaveLength(1);
    expect(run.outcome.status).toBe('completed');
  });

  it('granted a hair less, the run halts on its budget before any call', async () => {
    const run = await runTestSquad(squad(floor * (1 - 1e-9)));
    expect(run.of('model.request')).toHaveLength(0);
    expect(run.of('guardrail.tripped').map((t) => t.kind)).toEqual(['budget']);
  });

  it('is 0 for an unpriced entry model: its calls reserve nothing', () => {
    const unpriced = squad().replace('model: gpt-4.1,', 'model: in-house-llm,');
    expect(firstCallFloorUsd(squadFrom(unpriced))).toBe(0);
  });
});
