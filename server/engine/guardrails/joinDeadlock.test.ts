import { describe, expect, it } from 'vitest';
import { runTestSquad } from '../testSquad';

/**
 * Wait-for cycles through joins (`waitFor`), or through joins and asks together, are caught when
 * their closing edge is added, however long an unrelated agent keeps the squad busy: the bystander
 * below works for 33 minutes of run time, past the run's 30-minute deadline.
 */
const squad = (a: string, extra = ''): string => `
version: 1
name: join-deadlock
task: { entry: lead, input: Price the loan. }
models: { m: { provider: simulated, model: gpt-4.1-mini } }
${extra}
agents:
  lead:
    role: planner
    model: m
    handoffs: [a, b, c, d]
    script:
      - handoff: [ { to: a, content: Rate. }, { to: b, content: Margin. }, { to: c, content: Fees. }, { to: d, content: Archive. } ]
      - { waitFor: [a, b, c, d], finish: Priced. }
  a: { role: worker, model: m, asks: [b], script: [ ${a} ] }
  b: { role: worker, model: m, script: [ { waitFor: [c], finish: margin } ] }
  c: { role: worker, model: m, script: [ { waitFor: [a], finish: fees } ] }
  d: { role: worker, model: m, script: [ { delayMs: 2000000, finish: archived } ] }
`;

describe('deadlock through joins', () => {
  it('catches a → b → c → a through joins at the closing edge, with only the cycle as evidence', async () => {
    const run = await runTestSquad(squad('{ waitFor: [b], finish: rate }'));
    expect(run.outcome.status).toBe('halted');
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip.kind).toBe('deadlock');
    expect(trip.t).toBeLessThan(5_000); // not at the bystander's end, not at the deadline
    const cycle = trip.evidence.cycle as string[];
    expect(new Set(cycle)).toEqual(new Set(['a', 'b', 'c']));
    expect(cycle).toHaveLength(4);
    expect(cycle[0]).toBe(cycle[3]);
    const waits = trip.evidence.waits as { agent: string; reason: string; on: string[] }[];
    expect(waits.map((w) => [w.agent, w.reason, w.on]).sort()).toEqual([
      ['a', 'join', ['b']],
      ['b', 'join', ['c']],
      ['c', 'join', ['a']],
    ]);
    // The bystander was still at work: it never finished.
    expect(run.of('model.response').some((e) => e.agent === 'd')).toBe(false);
  });

  it('catches a cycle mixing an ask and joins the same way', async () => {
    const run = await runTestSquad(squad('{ ask: { agent: b, question: What margin? } }, { answer: never }'));
    expect(run.outcome.status).toBe('halted');
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip.kind).toBe('deadlock');
    expect(trip.t).toBeLessThan(5_000);
    const waits = trip.evidence.waits as { agent: string; reason: string; on: string[] }[];
    expect(waits.map((w) => [w.agent, w.reason, w.on]).sort()).toEqual([
      ['a', 'answer', ['b']],
      ['b', 'join', ['c']],
      ['c', 'join', ['a']],
    ]);
  });

  it('under `break`, withdraws the question of a mixed cycle; a cycle of joins alone halts', async () => {
    const broken = await runTestSquad(squad('{ ask: { agent: b, question: What margin? } }, { finish: rate }', 'guardrails: { deadlock: { action: break }, runTimeoutMs: 4000000 }'));
    const trip = broken.of('guardrail.tripped')[0]!;
    expect(trip).toMatchObject({ kind: 'deadlock', action: 'block-edge' });
    // a's question is withdrawn: it gets an answer saying so, and returns its rate to the lead.
    expect(broken.of('message.sent').some((m) => m.to === 'a' && m.kind === 'answer' && m.from === null)).toBe(true);
    expect(broken.of('message.sent').some((m) => m.from === 'a' && m.kind === 'result')).toBe(true);

    const joins = await runTestSquad(squad('{ waitFor: [b], finish: rate }', 'guardrails: { deadlock: { action: break } }'));
    expect(joins.of('guardrail.tripped')[0]).toMatchObject({ kind: 'deadlock', action: 'halt' });
    expect(joins.outcome.status).toBe('halted');
  });

  it('does not call a join on an agent whose message is on its way a deadlock', async () => {
    // b hands c its result before c waits on b: the edge c → b is met by a message in transit.
    const run = await runTestSquad(`
version: 1
name: no-deadlock
task: { entry: lead, input: go }
models: { m: { provider: simulated, model: gpt-4.1-mini } }
profiles: { local: { handoffLatencyMs: 500 } }
agents:
  lead: { role: planner, model: m, handoffs: [b, c], script: [ { handoff: [ { to: b, content: x }, { to: c, content: y } ] }, { waitFor: [c], finish: done } ] }
  b: { role: worker, model: m, handoffs: [c], script: [ { handoff: { to: c, content: from b }, finish: b done } ] }
  c: { role: worker, model: m, script: [ { waitFor: [b], finish: c done } ] }
`);
    expect(run.of('guardrail.tripped').filter((t) => t.kind === 'deadlock')).toEqual([]);
    expect(run.of('agent.waiting').some((w) => w.agent === 'c' && w.reason === 'join')).toBe(true);
  });
});
