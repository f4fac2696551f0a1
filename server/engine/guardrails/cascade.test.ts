import { describe, expect, it } from 'vitest';
import { foldEvents } from '../accounting';
import type { ToolHost } from '../toolHost';
import { runTestSquad } from '../testSquad';

const bureauDown: ToolHost = {
  tools: () => [{ name: 'bureau.score', description: 'credit score', inputSchema: { type: 'object' } }],
  call: async () => ({ ok: false, content: 'bureau unavailable (HTTP 503)', latencyMs: 120 }),
};

const memo = (policy: string, fallback = true): string => `
version: 1
name: memo
task: { entry: planner, input: Write the memo. }
models: { m: { provider: simulated, model: gpt-4o-mini } }
toolServers: { bureau: { command: node } }
guardrails: { cascade: { policy: ${policy} } }
agents:
  planner:
    role: planner
    model: m
    handoffs: [scoring]
    script:
      - handoff: { to: scoring, content: Score ACME. }
      - finish: Memo built on the score.
  scoring:
    role: worker
    model: m
    tools: [bureau.*]
    ${fallback ? 'fallback: "Score unavailable: use the internal rating (6) until the bureau is back."' : ''}
    script:
      - tool: { name: bureau.score, args: { company: ACME } }
      - finish: ACME scores 710.
`;

describe('cascade', () => {
  it('halt: a failed tool call halts the run, naming the root cause and who depended on it', async () => {
    const run = await runTestSquad(memo('halt'), { tools: bureauDown });
    expect(run.outcome.status).toBe('halted');
    const result = run.of('tool.result')[0]!;
    expect(run.of('guardrail.tripped')[0]).toMatchObject({
      kind: 'cascade',
      action: 'halt',
      agent: 'scoring',
      evidence: { root: { agent: 'scoring', what: 'tool call', seq: result.seq, reason: 'bureau.score: bureau unavailable (HTTP 503)' }, dependents: ['planner'] },
    });
    expect(run.of('message.sent').filter((m) => m.from === 'scoring')).toEqual([]);
  });

  it('fallback: the agent returns its declared fallback, tainted, and the final report names it', async () => {
    const run = await runTestSquad(memo('fallback'), { tools: bureauDown });
    expect(run.outcome.status).toBe('completed');
    const fallback = run.of('message.sent').find((m) => m.from === 'scoring')!;
    expect(fallback).toMatchObject({ kind: 'result', to: 'planner', content: 'Score unavailable: use the internal rating (6) until the bureau is back.' });
    expect(fallback.marks).toEqual([expect.objectContaining({ kind: 'tainted', agent: 'scoring', reason: 'tool call failed: bureau.score: bureau unavailable (HTTP 503)' })]);
    expect(run.outcome.marks).toEqual(fallback.marks);
    expect(foldEvents(run.events).marked.map((m) => m.messageId)).toEqual([fallback.messageId]);
    // The scripted "ACME scores 710" was never produced: the fallback replaced the agent's work.
    expect(run.of('model.request').filter((r) => r.agent === 'scoring')).toHaveLength(1);
  });

  it('fallback without a declared fallback halts, and says why', async () => {
    const run = await runTestSquad(memo('fallback', false), { tools: bureauDown });
    expect(run.outcome.status).toBe('halted');
    expect(run.of('guardrail.tripped')[0]!.message).toContain('and scoring declares no fallback');
  });

  it('taint: the agent goes on with the error in hand, and everything after carries the mark', async () => {
    const run = await runTestSquad(memo('taint'), { tools: bureauDown });
    expect(run.outcome).toMatchObject({ status: 'completed', result: 'Memo built on the score.' });
    expect(run.outcome.marks).toEqual([expect.objectContaining({ kind: 'tainted', agent: 'scoring' })]);
    expect(run.of('guardrail.tripped')[0]).toMatchObject({ kind: 'cascade', action: 'warn' });
  });
});
