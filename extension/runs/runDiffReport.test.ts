import { describe, expect, it } from 'vitest';
import type { DiffResponse } from '../../protocol/api/replayResponse';
import type { RunEvent } from '../../protocol/runEvent';
import { describeEvent, diffReport, replayReport, replaySummary } from './runDiffReport';

const request = (agent: string, tokens: number) => ({ type: 'model.request', runId: 'r', seq: 12, t: 40, agent, span: null, inputTokensEstimate: tokens }) as unknown as RunEvent;

const side = (costUsd: number, agents: Record<string, number>) => ({ runId: 'r', status: 'completed', events: 100, costUsd, inputTokens: 2000, outputTokens: 500, virtualMs: 12_000, agents });

describe('run reports', () => {
  it('shows where two runs part, both events, and the cost per run and agent with B − A', () => {
    const diff: DiffResponse = {
      shared: 11,
      parting: { seq: 12, expected: request('checker', 900), actual: request('checker', 950), fields: ['inputTokensEstimate'] },
      a: side(0.0146, { planner: 0.002, checker: 0.004 }),
      b: { ...side(0.0152, { planner: 0.002, checker: 0.0046, writer: 0.0001 }), events: 104 },
    };
    const text = diffReport(diff, { id: 'run-a', squad: 'credit-memo' }, { id: 'run-b', squad: 'credit-memo' });
    expect(text).toContain('## Where they part: event 12');
    expect(text).toContain('The first 11 events are the same. At event 12 these fields differ: `inputTokensEstimate`.');
    expect(text).toContain('"inputTokensEstimate": 900');
    expect(text).toContain('"inputTokensEstimate": 950');
    expect(text).toMatch(/\| cost \(USD\) +\| +0\.0146 \| +0\.0152 \| +\+0\.0006 \|/);
    expect(text).toMatch(/\| events +\| +100 \| +104 \| +\+4 \|/);
    // An agent only one run had: a dash on the other side.
    expect(text).toMatch(/\| writer +\| +— \| +0\.0001 \| +\+0\.0001 \|/);
    expect(text).toMatch(/\| planner +\| +0\.0020 \| +0\.0020 \| +0 \|/);
  });

  it('says so when the runs make the same decisions', () => {
    const same: DiffResponse = { shared: 100, parting: null, a: side(0.01, {}), b: side(0.01, {}) };
    expect(diffReport(same, { id: 'a', squad: 's' }, { id: 'b', squad: 's' })).toContain('The runs make the same 100 events');
  });

  it('summarizes a replay in one line and in a document', () => {
    expect(replaySummary({ events: 80, replayed: 80, divergence: null })).toBe('replays identically (80 events)');
    const parted = { events: 80, replayed: 11, divergence: { seq: 12, expected: request('checker', 900), actual: null, fields: [] } };
    expect(replaySummary(parted)).toBe('parts from its journal at event 12: model.request by checker vs no event (the run ended)');
    const doc = replayReport(parted, { id: 'r1', squad: 'credit-memo' }, 'credit-memo.squad.yaml');
    expect(doc).toContain('Reproduced 11 of 80 events.');
    expect(doc).toContain('with the squad file as it is now (`credit-memo.squad.yaml`)');
    expect(describeEvent({ type: 'message.sent', from: null, to: 'planner', agent: null } as unknown as RunEvent)).toBe('message.sent task → planner');
  });
});
