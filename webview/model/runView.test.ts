import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../protocol/runAccount';
import { RunEventSchema, type RunEvent } from '../../protocol/runEvent';
import { latencyHistogram } from './latencyHistogram';
import { applyRunEvent, edgeKey, emptyRunView, foldRunView } from './runView';
import { syntheticRun } from './syntheticRun';

const events = syntheticRun(2000);

describe('the run view fold', () => {
  it('folds a valid journal into the accounting, edge traffic and a timeline with call latencies', () => {
    for (const e of events.slice(0, 50)) expect(RunEventSchema.safeParse(e).success).toBe(true);
    const view = foldRunView(events);
    expect(view.account.totals.costUsd).toBeCloseTo(foldEvents(events).totals.costUsd, 10);
    const sent = events.filter((e) => e.type === 'message.sent' && e.from === 'planner' && e.to === 'financials');
    expect(view.edges.get(edgeKey('planner', 'financials'))?.messages).toBe(sent.length);
    const model = view.timeline.find((r) => r.kind === 'model');
    expect(model?.durationMs).toBeGreaterThan(0);
    expect(view.open.size).toBe(0);
    expect(view.ended).toBe(true);
    expect(view.active.size).toBe(0);
  });

  it('shows the state at any seq, and ignores repeated events after a reconnect', () => {
    const partial = foldRunView(events, 10);
    expect(partial.lastSeq).toBe(10);
    expect(partial.active.size).toBe(1);
    const twice = emptyRunView();
    for (const e of [...events.slice(0, 20), ...events.slice(10, 30)]) applyRunEvent(twice, e);
    expect(twice.events).toHaveLength(30);
    expect(twice.account.events).toBe(30);
  });

  it('records a deadlock cycle with each agent pending question', () => {
    const base = { runId: 'r', t: 5, spanId: 's', parentSpanId: null };
    const journal: RunEvent[] = [
      { ...base, seq: 1, agent: 'a', type: 'message.sent', messageId: 'q1', from: 'a', to: 'b', kind: 'question', content: 'Which tenor?', tokens: 3, inReplyTo: null, marks: [] },
      { ...base, seq: 2, agent: 'a', type: 'agent.waiting', on: ['b'], reason: 'answer', questionId: 'q1' },
      { ...base, seq: 3, agent: 'b', type: 'agent.waiting', on: ['a'], reason: 'answer', questionId: null },
      { ...base, seq: 4, agent: 'b', type: 'guardrail.tripped', kind: 'deadlock', action: 'halt', message: 'a → b → a wait on each other', evidence: { cycle: ['a', 'b', 'a'] } },
    ];
    const view = foldRunView(journal);
    expect(view.deadlock?.cycle).toEqual(['a', 'b', 'a']);
    expect(view.waiting.get('a')?.question).toBe('Which tenor?');
    expect(view.guardrails).toHaveLength(1);
  });

  it('narrows a join wait by each arrival the journal names (agent.wait.met), not by a new list', () => {
    const base = { runId: 'r', t: 5, spanId: 's', parentSpanId: null };
    const journal: RunEvent[] = [
      { ...base, seq: 1, agent: 'checker', type: 'agent.waiting', on: ['w1', 'pricer#1', 'pricer#2', 'w3'], reason: 'join', questionId: null },
      { ...base, seq: 2, agent: 'checker', type: 'agent.wait.met', from: 'w3', met: ['w3'], missing: 3 },
      { ...base, seq: 3, agent: 'checker', type: 'agent.wait.met', from: 'pricer#2', met: ['pricer#1', 'pricer#2'], missing: 1 },
    ];
    expect(foldRunView(journal, 2).waiting.get('checker')?.on).toEqual(['w1', 'pricer#1', 'pricer#2']);
    const view = foldRunView(journal);
    expect(view.waiting.get('checker')?.on).toEqual(['w1']);
    expect(view.timeline.at(-1)?.label).toBe('pricer#2 arrived: waits on 1 more');
  });

  it('buckets latencies and reports nearest-rank percentiles', () => {
    const h = latencyHistogram([10, 20, 30, 40, 1000]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(h.p50Ms).toBe(30);
    expect(h.p99Ms).toBe(1000);
    expect(latencyHistogram([]).calls).toBe(0);
  });
});
