import { describe, expect, it } from 'vitest';
import { runTestSquad } from '../testSquad';

/** Loan pricing: three desks each ask the next before they can quote, in a ring. */
const ring = (action: string, closeRing = true): string => `
version: 1
name: pricing
task: { entry: pricing, input: Price a $40M revolver for Castellan Foods. }
models: { m: { provider: simulated, model: gpt-4o-mini } }
guardrails: { deadlock: { action: ${action} } }
agents:
  pricing:
    role: planner
    model: m
    asks: [risk]
    handoffs: [treasury]
    script:
      - handoff: { to: treasury, content: Start on funding cost. }
        ask: { agent: risk, question: What is the risk rating? }
      - finish: Priced at SOFR + 210 bp.
  risk:
    role: worker
    model: m
    asks: [treasury]
    script:
      - ask: { agent: treasury, question: What is the funding tenor? }
      - answer: Risk rating 5.
  treasury:
    role: worker
    model: m
    asks: [pricing]
    script:
      - ${closeRing ? 'ask: { agent: pricing, question: What margin are we targeting? }' : 'say: Waiting for the desks.'}
      - answer: Five-year tenor.
      - { say: idle, repeat: forever }
`;

describe('deadlock', () => {
  it('detects a three-agent cycle the moment its closing edge is added, with every pending question', async () => {
    const run = await runTestSquad(ring('halt'));
    expect(run.outcome.status).toBe('halted');
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip.kind).toBe('deadlock');
    const waits = run.of('agent.waiting');
    // Tripped right after the third wait, not by a timeout.
    expect(trip.seq).toBe(waits[2]!.seq + 1);
    expect(trip.evidence.cycle).toEqual([waits[2]!.agent, ...[waits[2]!.on[0]], expect.any(String), waits[2]!.agent]);
    expect(new Set(trip.evidence.cycle as string[])).toEqual(new Set(['pricing', 'risk', 'treasury']));
    expect(trip.evidence.waits).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agent: 'pricing', on: ['risk'], question: 'What is the risk rating?' }),
        expect.objectContaining({ agent: 'risk', on: ['treasury'], question: 'What is the funding tenor?' }),
        expect.objectContaining({ agent: 'treasury', on: ['pricing'], question: 'What margin are we targeting?' }),
      ]),
    );
  });

  it('does not trip on a chain that ends at an agent free to answer', async () => {
    const run = await runTestSquad(ring('halt', false));
    expect(run.of('guardrail.tripped')).toEqual([]);
    expect(run.outcome).toMatchObject({ status: 'completed', result: 'Priced at SOFR + 210 bp.' });
  });

  it('under `break` fails the youngest wait with a message to its asker and marks what follows tainted', async () => {
    const run = await runTestSquad(ring('break'));
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip).toMatchObject({ kind: 'deadlock', action: 'block-edge' });
    const youngest = trip.agent!;
    const reply = run.of('message.sent').find((m) => m.from === null && m.kind === 'answer')!;
    expect(reply.to).toBe(youngest);
    expect(reply.content).toMatch(/cannot be answered: .* were waiting on each other/);
    expect(run.outcome.status).toBe('completed');
    expect(run.outcome.marks).toEqual([expect.objectContaining({ kind: 'tainted', reason: expect.stringMatching(/^deadlock broken/) })]);
  });
});
