import { describe, expect, it } from 'vitest';
import { runTestSquad } from '../testSquad';

const LONG = 'The borrower shows stable revenue, adequate coverage and a well-secured fleet. '.repeat(60);

describe('budget: a reply longer than maxOutputTokens', () => {
  it('is cut at maxOutputTokens by the simulated provider, billed for exactly that, and journaled with finish reason length', async () => {
    const run = await runTestSquad(`
version: 1
name: long
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4.1, maxOutputTokens: 50 } }
agents:
  a: { role: worker, model: m, script: [ { say: "${LONG}", finish: done }, { finish: short } ] }
`);
    const [first, second] = run.of('model.response');
    expect(first).toMatchObject({ finishReason: 'length', usage: { outputTokens: 50 }, toolCalls: [] });
    expect(LONG.startsWith(first!.text)).toBe(true);
    expect(first!.text.length).toBeLessThan(LONG.length / 4);
    // Billed for the 50 tokens it was allowed, not the 900 the script holds.
    expect(first!.costUsd).toBeLessThan(0.001);
    // The finish it never got to write is not acted on: the squad goes quiet.
    expect(second).toBeUndefined();
    expect(run.outcome.reason).toBe('the squad went quiet before a called finish');
  });
});
