import { describe, expect, it } from 'vitest';
import { normalizeInput } from './loop';
import { runTestSquad } from '../testSquad';

const pingPong = (limit: number, sameContent: boolean, rounds = 20): string => `
version: 1
name: kyc
task: { entry: analyst, input: Review the KYC file for Meridian Trade Finance Ltd. }
models: { m: { provider: simulated, model: gpt-4o-mini } }
guardrails: { maxTurnsPerAgent: 50, loop: { pingPong: ${limit}, repeatedState: 100 } }
agents:
  analyst:
    role: worker
    model: m
    handoffs: [compliance]
    script:
${Array.from({ length: rounds }, (_, i) => `      - handoff: { to: compliance, content: "Source of funds memo${sameContent ? '' : ` v${i + 1}`}" }`).join('\n')}
  compliance:
    role: checker
    model: m
    handoffs: [analyst]
    script:
${Array.from({ length: rounds }, (_, i) => `      - handoff: { to: analyst, content: "Please clarify the source of funds${sameContent ? '' : ` (${i + 1})`}" }`).join('\n')}
`;

describe('loop: ping-pong', () => {
  it('trips after exactly `pingPong` rounds with no work in between, naming the cycle', async () => {
    const run = await runTestSquad(pingPong(3, false));
    expect(run.outcome.status).toBe('halted');
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip).toMatchObject({ kind: 'loop', action: 'halt', evidence: { rounds: 3, limit: 3 } });
    expect(trip.evidence.cycle).toEqual(['analyst', 'compliance', 'analyst', 'compliance', 'analyst', 'compliance', 'analyst']);
    expect(run.of('message.sent').filter((m) => m.kind === 'handoff')).toHaveLength(6);
    // Well before the turn limit of 50.
    expect(run.of('agent.turn.started').length).toBeLessThan(10);
  });

  it('does not trip one round below the limit', async () => {
    const run = await runTestSquad(pingPong(4, false, 3).replace('      - handoff: { to: analyst, content: "Please clarify the source of funds (3)" }', '      - finish: cleared'));
    expect(run.of('guardrail.tripped')).toEqual([]);
  });

  it('does not mistake a dialogue that brings something new each time for ping-pong', async () => {
    const topics = ['revenue by segment', 'fuel hedging', 'driver turnover', 'insurance reserves', 'lease maturities', 'capex plan', 'covenant headroom', 'customer concentration'];
    const run = await runTestSquad(`
version: 1
name: review
task: { entry: lead, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini } }
agents:
  lead:
    role: planner
    model: m
    handoffs: [analyst]
    script:
${topics.map((t) => `      - { handoff: { to: analyst, content: "Next, read the section on ${t} and note the risks." } }`).join('\n')}
      - finish: done
  analyst:
    role: worker
    model: m
    handoffs: [lead]
    script:
${topics.map((t, i) => `      - { handoff: { to: lead, content: "Noted ${t}: finding ${i} recorded." } }`).join('\n')}
`);
    expect(run.of('guardrail.tripped')).toEqual([]);
    expect(run.outcome.status).toBe('completed');
  });

  it('counts work as progress: a tool call resets the chain', async () => {
    const yaml = pingPong(2, false, 4);
    const tools = {
      tools: () => [{ name: 'registry.lookup', description: 'companies house', inputSchema: { type: 'object' } }],
      call: async () => ({ ok: true, content: 'active, filed 2025', latencyMs: 10 }),
    };
    const withWork = yaml
      .replace('toolServers', 'x')
      .replace('agents:\n', 'toolServers: { registry: { command: node } }\nagents:\n')
      .replace('    handoffs: [compliance]\n', '    handoffs: [compliance]\n    tools: [registry.*]\n')
      .replaceAll(
        /- handoff: \{ to: compliance, content: "(Source of funds memo v\d)" \}/g,
        '- tool: { name: registry.lookup, args: { q: "$1" } }\n      - handoff: { to: compliance, content: "$1" }',
      );
    const run = await runTestSquad(withWork, { tools });
    expect(run.of('guardrail.tripped').filter((t) => t.kind === 'loop' && t.evidence.rounds !== undefined)).toEqual([]);
  });
});

describe('loop: repeated state', () => {
  it('trips when an agent gets the same normalized input for the `repeatedState`-th time, with its hash', async () => {
    const run = await runTestSquad(pingPong(100, true).replace('repeatedState: 100', 'repeatedState: 3'));
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip).toMatchObject({ kind: 'loop', agent: 'compliance', evidence: { seen: 3, limit: 3 } });
    expect(trip.message).toBe('compliance got the same input for the 3rd time: it is going round in circles');
    expect(trip.evidence.repeatedState).toMatch(/^[0-9a-f]{16}$/);
    // Compliance had two turns on that input; the third never started.
    expect(run.of('agent.turn.started').filter((t) => t.agent === 'compliance')).toHaveLength(2);
  });

  it('normalizes whitespace and case only', () => {
    expect(normalizeInput('  Please   Revise\nthe memo ')).toBe('please revise the memo');
    expect(normalizeInput('v1')).not.toBe(normalizeInput('v2'));
  });
});
