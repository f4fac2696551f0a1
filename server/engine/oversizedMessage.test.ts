import { describe, expect, it } from 'vitest';
import { fitOversized } from './oversizedMessage';
import { runTestSquad } from './testSquad';
import type { ToolHost } from './toolHost';

/** One line of a filing, over and over: about 6,000 tokens, far over a 2,048-token window. */
const FILING = Array.from({ length: 400 }, (_, i) => `Line ${i + 1}: revenue from freight rose while fuel costs fell in region ${i % 7}.`).join('\n');

const docs: ToolHost = {
  tools: () => [{ name: 'docs.fetch', description: 'Fetches a filing.', inputSchema: { type: 'object' } }],
  call: () => Promise.resolve({ ok: true, content: FILING, latencyMs: 120 }),
};

const squad = (policy: string): string => `
version: 1
name: oversized
task: { entry: lead, input: Review the filing. }
models:
  big: { provider: simulated, model: gpt-4.1 }
  small: { provider: simulated, model: gpt-4o-mini, contextWindow: 2048, price: { inputPerMTok: 1, cachedInputPerMTok: 1, outputPerMTok: 1 } }
guardrails: { truncation: { policy: ${policy}, reserveOutputTokens: 100 } }
agents:
  lead:
    role: planner
    model: big
    handoffs: [analyst]
    script:
      - handoff: { to: analyst, content: Fetch the filing and summarise the risks. }
      - { waitFor: [analyst], finish: Review done. }
  analyst:
    role: worker
    model: small
    tools: [docs.fetch]
    script:
      - tool: { name: docs.fetch, args: { id: 10-K } }
      - finish: Fuel and freight are the main risks.
`;

describe('a single tool result larger than the window', () => {
  it('flag: cuts it in place, head and tail kept around a marker, journals what was cut, marks what is built on it degraded, goes on', async () => {
    const run = await runTestSquad(squad('flag'), { tools: docs });
    expect(run.outcome.status).toBe('completed');
    const [compacted] = run.of('context.compacted');
    expect(compacted).toMatchObject({ agent: 'analyst', policy: 'flag', contextWindow: 2048 });
    expect(compacted!.cutMessages).toHaveLength(1);
    expect(compacted!.cutMessages![0]!.droppedTokens).toBeGreaterThan(3000);
    expect(compacted!.droppedTokens).toBeGreaterThanOrEqual(compacted!.cutMessages![0]!.droppedTokens);
    // The call that follows fits the window.
    const second = run.of('model.request').filter((r) => r.agent === 'analyst')[1]!;
    expect(second.inputTokensEstimate).toBeLessThanOrEqual(2048 - 100);
    const trip = run.of('guardrail.tripped').find((t) => t.kind === 'truncation')!;
    expect(trip).toMatchObject({ action: 'warn', agent: 'analyst', evidence: { policy: 'flag', compactedSeq: compacted!.seq } });
    expect(trip.message).toContain('tool result alone was over');
    // The analyst's result carries the mark to the lead, and the run's result says so.
    const result = run.of('message.sent').find((m) => m.from === 'analyst' && m.kind === 'result')!;
    expect(result.marks.map((m) => m.kind)).toEqual(['degraded']);
    expect(run.outcome.marks.map((m) => m.kind)).toEqual(['degraded']);
  });

  it('keeps the head and the tail of the result, and says in it how many tokens are missing', () => {
    const context = [
      { role: 'system' as const, content: 'You are the analyst.' },
      { role: 'user' as const, content: 'Fetch it.' },
      { role: 'tool' as const, toolCallId: 'c1', content: FILING },
    ];
    const fit = fitOversized(context, 1500, false)!;
    expect(fit.kept).toHaveLength(2); // the older message dropped, the result kept in place
    const cut = fit.kept[1]!;
    expect(cut).toMatchObject({ role: 'tool', toolCallId: 'c1' });
    expect(cut.content.startsWith('Line 1: revenue')).toBe(true);
    expect(cut.content.endsWith('Line 400: revenue from freight rose while fuel costs fell in region 0.')).toBe(true);
    expect(cut.content).toMatch(new RegExp(`\\[… ${fit.cut.droppedTokens} tokens cut here to fit the context window`));
    expect(fit.promptTokens).toBeLessThanOrEqual(1500);
    expect(fit.promptTokens).toBeGreaterThan(1400); // it keeps what fits, not a token less than it must
    expect(fitOversized(context, 40, false)).toBeNull(); // no room left for any of it
  });

  it('summarize: replaces it with a summary, costed and journaled, and goes on', async () => {
    const run = await runTestSquad(squad('summarize'), { tools: docs });
    expect(run.outcome.status).toBe('completed');
    const [compacted] = run.of('context.compacted');
    expect(compacted).toMatchObject({ agent: 'analyst', policy: 'summarize' });
    expect(compacted!.summaryTokens).toBeGreaterThan(0);
    expect(compacted!.usage.inputTokens).toBe(compacted!.droppedTokens);
    expect(compacted!.costUsd).toBeGreaterThan(0);
    expect(run.outcome.marks).toEqual([]);
  });

  it('fail: halts naming the prompt and the window', async () => {
    const run = await runTestSquad(squad('fail'), { tools: docs });
    expect(run.outcome.status).toBe('halted');
    const trip = run.of('guardrail.tripped').find((t) => t.kind === 'truncation')!;
    expect(trip).toMatchObject({ action: 'halt', agent: 'analyst', evidence: { contextWindow: 2048 } });
    expect(run.of('context.compacted')).toEqual([]);
  });
});
