import { describe, expect, it } from 'vitest';
import { foldEvents } from '../accounting';
import { MemoryContextCache } from '../contextCache';
import type { ToolHost } from '../toolHost';
import { runTestSquad } from '../testSquad';

const FILING = 'Note 12. Leases: the company leases 212 tractors under operating leases expiring 2027-2031. '.repeat(40);

function filings(calls: string[]): ToolHost {
  return {
    tools: () => [{ name: 'edgar.filing', description: 'fetch a filing', inputSchema: { type: 'object' }, cacheable: true }],
    call: async (req) => {
      calls.push(`${req.agent}:${JSON.stringify(req.args)}`);
      return { ok: true, content: FILING, latencyMs: 900 };
    },
  };
}

const squad = `
version: 1
name: tenk
task: { entry: lead, input: Review the 10-K. }
models: { m: { provider: simulated, model: gpt-4o-mini } }
toolServers: { edgar: { command: node } }
agents:
  lead:
    role: planner
    model: m
    handoffs: [credit, legal]
    tools: [edgar.*]
    script:
      - tool: { name: edgar.filing, args: { cik: "0001", form: 10-K } }
      - handoff: [ { to: credit, content: Review leases. }, { to: legal, content: Review covenants. } ]
      - { waitFor: [credit, legal], finish: done }
  credit: { role: worker, model: m, tools: [edgar.*], script: [ { tool: { name: edgar.filing, args: { form: 10-K, cik: "0001" } } }, { finish: leases fine } ] }
  legal: { role: worker, model: m, tools: [edgar.*], script: [ { tool: { name: edgar.filing, args: { cik: "0001", form: 10-K } } }, { finish: covenants fine } ] }
`;

describe('token-explosion: the context cache', () => {
  it('serves a tool result loaded before from the cache, across agents, and journals hits, misses and tokens saved', async () => {
    const calls: string[] = [];
    const run = await runTestSquad(squad, { tools: filings(calls) });
    expect(run.outcome.status).toBe('completed');
    expect(calls).toEqual(['lead:{"cik":"0001","form":"10-K"}']);
    const lookups = run.of('cache.lookup');
    expect(lookups.map((l) => [l.agent, l.hit])).toEqual([
      ['lead', false],
      ['credit', true],
      ['legal', true],
    ]);
    expect(new Set(lookups.map((l) => l.key)).size).toBe(1);
    const acc = foldEvents(run.events);
    expect(acc.totals).toMatchObject({ cacheHits: 2, cacheMisses: 1 });
    expect(acc.totals.tokensSaved).toBe(2 * lookups[0]!.tokens);
    // A hit costs no tool time.
    expect(run.of('tool.result').map((r) => r.latencyMs)).toEqual([900, 0, 0]);
  });

  it("keeps tool answers per run (their age is on the run's clock), and calls again when caching is off", async () => {
    const cache = new MemoryContextCache();
    const calls: string[] = [];
    await runTestSquad(squad, { tools: filings(calls), cache });
    await runTestSquad(squad, { tools: filings(calls), cache });
    expect(calls).toHaveLength(2);
    const off: string[] = [];
    await runTestSquad(squad.replace('agents:', 'guardrails: { tokenExplosion: { cache: false } }\nagents:'), { tools: filings(off) });
    expect(off).toHaveLength(3);
  });

  it('does not reload a document an agent already holds', async () => {
    const run = await runTestSquad(`
version: 1
name: docs
task: { entry: lead, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini } }
agents:
  lead: { role: planner, model: m, handoffs: [analyst], script: [ { handoff: { to: analyst, content: "${FILING}" } }, { waitFor: [analyst], handoff: { to: analyst, content: "${FILING}" } }, { waitFor: [analyst], finish: done } ] }
  analyst: { role: worker, model: m, handoffs: [lead], script: [ { handoff: { to: lead, content: read it } }, { handoff: { to: lead, content: read it again } } ] }
`);
    const docs = run.of('cache.lookup').filter((l) => l.source === 'document');
    expect(docs.map((d) => d.hit)).toEqual([false, true]);
    expect(docs[1]!.tokensSaved).toBeGreaterThan(docs[1]!.tokens * 0.9);
    const prompts = run
      .of('model.request')
      .filter((r) => r.agent === 'analyst')
      .map((r) => r.inputTokensEstimate);
    expect(prompts[1]! - prompts[0]!).toBeLessThan(docs[1]!.tokens / 2);
  });
});

describe('token-explosion: prompt growth', () => {
  const growing = (turns: number): string => `
version: 1
name: grow
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini } }
guardrails: { disabled: [loop, chatter], tokenExplosion: { cache: false, maxPromptGrowth: 1.5, growthTurns: 3, minPromptTokens: 500 } }
agents:
  a:
    role: planner
    model: m
    handoffs: [b]
    script:
${Array.from({ length: turns }, (_, i) => `      - handoff: { to: b, content: "${'reload the whole knowledge base '.repeat(10 * 4 ** i)}" }`).join('\n')}
      - finish: done
  b: { role: worker, model: m, handoffs: [a], script: [ { handoff: { to: a, content: next }, repeat: forever } ] }
`;

  it('raises the alarm after `growthTurns` calls in a row growing faster than the limit, not before', async () => {
    const below = await runTestSquad(growing(3));
    expect(below.of('guardrail.tripped').filter((t) => t.kind === 'token-explosion')).toEqual([]);
    const at = await runTestSquad(growing(4));
    const trip = at.of('guardrail.tripped').find((t) => t.kind === 'token-explosion')!;
    expect(trip).toMatchObject({ action: 'warn', evidence: { maxPromptGrowth: 1.5, growthTurns: 3 } });
    // The evidence is the agent's prompt sizes, each more than 1.5× the one before.
    const sizes = (trip.evidence.promptTokens as number[]).slice(-4);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeGreaterThan(sizes[i - 1]! * 1.5);
    expect(at.outcome.status).toBe('completed');
  });
});
