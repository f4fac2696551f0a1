import { describe, expect, it } from 'vitest';
import { foldEvents } from './accounting';
import { costOf, loadPricingTable, resolveModel } from './resolvedModel';
import { runTestSquad } from './testSquad';

describe('pricing', () => {
  const table = loadPricingTable();

  it('loads the pricing table with its provenance', () => {
    expect(table.source).toMatch(/openai\.com/);
    expect(table.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.models['gpt-4o-mini']).toMatchObject({ inputPerMTok: 0.15, cachedInputPerMTok: 0.075, outputPerMTok: 0.6 });
  });

  it('bills uncached input, cached input and output at their own rates', () => {
    const price = { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 };
    expect(costOf({ inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 100_000 }, price)).toBeCloseTo(1.2 + 0.2 + 0.8, 10);
    expect(costOf({ inputTokens: 10, cachedInputTokens: 0, outputTokens: 10 }, null)).toBe(0);
  });

  it('lets a squad file override the table, and marks an unknown model unpriced', () => {
    const known = resolveModel('m', { provider: 'simulated', model: 'gpt-4.1' }, table);
    expect(known).toMatchObject({ contextWindow: 1047576, price: { inputPerMTok: 2 } });
    const own = resolveModel('m', { provider: 'simulated', model: 'gpt-4.1', price: { inputPerMTok: 1, cachedInputPerMTok: 0, outputPerMTok: 1 }, contextWindow: 8000 }, table);
    expect(own).toMatchObject({ contextWindow: 8000, price: { inputPerMTok: 1 } });
    expect(resolveModel('m', { provider: 'simulated', model: 'in-house-7b' }, table).price).toBeNull();
  });
});

describe('accounting', () => {
  it('adds up per agent and per run from the journal, with cost from usage and price', async () => {
    const run = await runTestSquad(`
version: 1
name: acct
task: { entry: a, input: Summarise the covenant package for the committee. }
models:
  big: { provider: simulated, model: gpt-4.1 }
  odd: { provider: simulated, model: in-house-7b }
agents:
  a: { role: planner, model: big, handoffs: [b], script: [ { handoff: { to: b, content: Draft the summary. } }, { finish: Summary sent. } ] }
  b: { role: worker, model: odd, script: [ { finish: "The covenants are a 1.25x DSCR floor and 3.0x leverage cap." } ] }
`);
    const acc = foldEvents(run.events);
    const responses = run.of('model.response');
    for (const agent of ['a', 'b']) {
      const mine = responses.filter((r) => r.agent === agent);
      expect(acc.agents[agent]!.inputTokens).toBe(mine.reduce((s, r) => s + r.usage.inputTokens, 0));
      expect(acc.agents[agent]!.costUsd).toBeCloseTo(
        mine.reduce((s, r) => s + r.costUsd, 0),
        12,
      );
    }
    const a = responses.find((r) => r.agent === 'a')!;
    expect(a.costUsd).toBeCloseTo((a.usage.inputTokens * 2 + a.usage.outputTokens * 8) / 1e6, 12);
    expect(acc.totals.costUsd).toBeCloseTo(acc.agents.a!.costUsd + acc.agents.b!.costUsd, 12);
    expect(acc.totals.turns).toBe(3);
    expect(acc.totals.messagesSent).toBe(2); // the hand-off and b's result (the task has no sender)
    // b's model is not in the pricing table: counted as $0 and flagged, never silently.
    expect(acc.agents.b!.costUsd).toBe(0);
    expect(responses.filter((r) => r.agent === 'b').every((r) => !r.priced)).toBe(true);
    expect(acc.unpricedAgents).toEqual(['b']);
    expect(acc.status).toBe('completed');
  });
});
