import { describe, expect, it } from 'vitest';
import { foldEvents } from '../accounting';
import { runTestSquad } from '../testSquad';

const FILING = 'Item 7. Management discussion: revenue rose on freight volumes while fuel costs fell. '.repeat(60);

/** A 10-K analysis: the analyst gets the filing, then a follow-up, on a model with a small window. */
const tenK = (policy: string, contextWindow: number): string => `
version: 1
name: tenk
task: { entry: lead, input: Analyse the 10-K of Harbor Freight. }
models:
  small: { provider: simulated, model: gpt-4o-mini, contextWindow: ${contextWindow} }
guardrails: { truncation: { policy: ${policy}, reserveOutputTokens: 100 } }
agents:
  lead:
    role: planner
    model: small
    context: turn
    handoffs: [analyst]
    script:
      - handoff: { to: analyst, content: "${FILING}" }
      - { waitFor: [analyst], handoff: { to: analyst, content: Now list the risk factors. } }
      - { waitFor: [analyst], finish: Analysis complete. }
  analyst:
    role: worker
    model: small
    handoffs: [lead]
    script:
      - handoff: { to: lead, content: Revenue up 6 percent. }
      - handoff: { to: lead, content: Fuel and labour are the main risks. }
`;

async function promptOfAnalystSecondCall(): Promise<number> {
  const run = await runTestSquad(tenK('fail', 100_000));
  return run.of('model.request').filter((r) => r.agent === 'analyst')[1]!.inputTokensEstimate;
}

describe('truncation', () => {
  it('passes a prompt that fills the window exactly and fails one token over (policy fail)', async () => {
    const prompt = await promptOfAnalystSecondCall();
    const fits = await runTestSquad(tenK('fail', prompt + 100));
    expect(fits.of('guardrail.tripped')).toEqual([]);
    expect(fits.outcome.status).toBe('completed');

    const over = await runTestSquad(tenK('fail', prompt + 99));
    expect(over.outcome.status).toBe('halted');
    expect(over.of('guardrail.tripped')[0]).toMatchObject({
      kind: 'truncation',
      action: 'halt',
      agent: 'analyst',
      evidence: { promptTokens: prompt, contextWindow: prompt + 99, reserveOutputTokens: 100 },
    });
  });

  it('flag: drops the oldest messages, records exactly what, and the final result says it is degraded', async () => {
    const prompt = await promptOfAnalystSecondCall();
    // The first call (the filing alone) still fits; the second, with the follow-up, is 20 tokens over.
    const run = await runTestSquad(tenK('flag', prompt + 80));
    const compacted = run.of('context.compacted')[0]!;
    expect(compacted).toMatchObject({ agent: 'analyst', policy: 'flag', droppedMessages: 1, summaryTokens: 0, costUsd: 0 });
    expect(compacted.droppedTokens).toBeGreaterThan(1000);
    expect(compacted.promptTokensAfter).toBe(compacted.promptTokensBefore - compacted.droppedTokens);
    expect(run.of('guardrail.tripped')[0]).toMatchObject({ kind: 'truncation', action: 'warn', evidence: { compactedSeq: compacted.seq } });
    // The mark travels: analyst → lead (its hand-off) → the run's result.
    const fromAnalyst = run.of('message.sent').filter((m) => m.from === 'analyst');
    expect(fromAnalyst[1]!.marks).toEqual([expect.objectContaining({ kind: 'degraded', agent: 'analyst', seq: compacted.seq })]);
    expect(run.outcome.status).toBe('completed');
    expect(run.outcome.marks).toEqual([expect.objectContaining({ kind: 'degraded', agent: 'analyst' })]);
    expect(run.events.at(-1)).toMatchObject({ type: 'run.completed', marks: [expect.objectContaining({ kind: 'degraded' })] });
  });

  it('summarize: replaces the oldest part with a summary and bills it', async () => {
    const prompt = await promptOfAnalystSecondCall();
    const run = await runTestSquad(tenK('summarize', prompt + 80));
    const compacted = run.of('context.compacted')[0]!;
    expect(compacted.policy).toBe('summarize');
    expect(compacted.summaryTokens).toBeGreaterThan(0);
    expect(compacted.costUsd).toBeGreaterThan(0);
    expect(compacted.usage).toEqual({ inputTokens: compacted.droppedTokens, cachedInputTokens: 0, outputTokens: compacted.summaryTokens });
    expect(run.outcome.marks).toEqual([]);
    const acc = foldEvents(run.events);
    const responses = run.of('model.response').reduce((s, r) => s + r.costUsd, 0);
    expect(acc.totals.costUsd).toBeCloseTo(responses + compacted.costUsd, 12);
  });
});
