import { describe, expect, it } from 'vitest';
import { foldEvents } from '../accounting';
import { runTestSquad } from '../testSquad';

/** A sends B `n` hand-offs in one turn; B finishes each. */
const burst = (n: number, extra = ''): string => `
version: 1
name: chat
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini } }
guardrails:
  disabled: [loop]
  chatter: { maxMessagesPerEdge: 3, maxTokensPerEdge: 100000, maxCoordinationRatio: 1000 }
  ${extra}
agents:
  a:
    role: planner
    model: m
    handoffs: [b]
    script:
      - handoff: [${Array.from({ length: n }, (_, i) => `{ to: b, content: "part ${i}" }`).join(', ')}]
      - { waitFor: [b], finish: done }
  b: { role: worker, model: m, script: [ { finish: ok, repeat: forever } ] }
`;

describe('chatter', () => {
  it('lets an edge carry exactly its message budget', async () => {
    const run = await runTestSquad(burst(3));
    expect(run.outcome.status).toBe('completed');
    expect(run.of('guardrail.tripped')).toEqual([]);
  });

  it('opens the edge one message past the budget, names the edge and figures, and halts the cascade', async () => {
    const run = await runTestSquad(burst(4));
    const trips = run.of('guardrail.tripped');
    expect(trips[0]).toMatchObject({ kind: 'chatter', action: 'block-edge', agent: 'a', evidence: { edge: 'a→b', messages: 4, limits: { maxMessagesPerEdge: 3 } } });
    expect(trips[0]!.message).toBe('edge a→b is chattering: 4 messages in 120 s (limit 3); its circuit is open');
    // The fourth hand-off never left: the refusal is a failure the cascade guardrail halts on.
    expect(run.of('message.sent').filter((m) => m.kind === 'handoff')).toHaveLength(3);
    expect(trips[1]).toMatchObject({ kind: 'cascade', action: 'halt', evidence: { root: { agent: 'a', what: 'hand-off' } } });
    expect(run.outcome.status).toBe('halted');
  });

  it('under the taint policy goes on, and marks what is built on the refused hand-off', async () => {
    const run = await runTestSquad(burst(4, 'cascade: { policy: taint }'));
    expect(run.outcome.status).toBe('completed');
    expect(run.outcome.marks).toEqual([expect.objectContaining({ kind: 'tainted', agent: 'a' })]);
  });

  it('trips on the ratio of coordination to work tokens', async () => {
    const run = await runTestSquad(`
version: 1
name: ratio
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini } }
guardrails:
  disabled: [loop]
  chatter: { maxCoordinationRatio: 2, minCoordinationTokens: 50, action: warn }
agents:
  a: { role: planner, model: m, handoffs: [b], script: [ { handoff: { to: b, content: "${'please coordinate with me on this '.repeat(10)}" } }, { finish: done } ] }
  b: { role: worker, model: m, script: [ { finish: ok } ] }
`);
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip).toMatchObject({ kind: 'chatter', action: 'warn', evidence: { edge: 'a→b', workTokens: 0 } });
    expect(trip.evidence.ratio).toBeGreaterThan(2);
    expect(run.outcome.status).toBe('completed');
    expect(foldEvents(run.events).guardrails).toHaveLength(1);
  });
});
