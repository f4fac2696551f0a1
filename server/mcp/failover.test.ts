import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/randomSource';
import { runTestSquad, squadFrom } from '../engine/testSquad';
import type { ToolHost } from '../engine/toolHost';
import { startMcpToolHost, type McpToolHost } from './mcpToolHost';
import { survivors } from './testing/processAlive';
import { BUREAU, EVERYTHING, ROOT } from './testing/testSquads';

const COMPANIES = ['Harbor Freight Logistics LLC', 'Cedar Ridge Cold Storage Inc', 'Bluewater Marine Supply Co', 'Summit Ridge Builders LLC', 'Northgate Veterinary Partners PLLC'];

/** An analyst that makes eight bureau calls (all different, so no cache answers them) and finishes. */
const SQUAD = `version: 1
name: failover
task: { entry: analyst, input: Score the book. }
models: { m: { provider: simulated, model: gpt-4.1-mini } }
toolServers:
  bureau: { command: node, args: ["${BUREAU}"], replicas: 2 }
agents:
  analyst:
    role: worker
    model: m
    tools: [bureau.*]
    script:
${[
  ...COMPANIES.map((c) => `      - tool: { name: bureau.credit_score, args: { company: "${c}" } }`),
  ...COMPANIES.slice(0, 3).map((c) => `      - tool: { name: bureau.payment_history, args: { company: "${c}", months: 6 } }`),
].join('\n')}
      - finish: Scored.
`;

const hosts: McpToolHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

async function host(yaml: string): Promise<McpToolHost> {
  const h = await startMcpToolHost(squadFrom(yaml), { profile: 'local', random: seededRandom(9), signal: new AbortController().signal, baseDir: ROOT, healthCheckIntervalMs: 0 });
  hosts.push(h);
  return h;
}

describe('a replica killed mid-run', () => {
  it('loses no call: the call on the dead replica fails over, the replica restarts, and the journal shows it', async () => {
    const pool = await host(SQUAD);
    const seen = new Set(pool.pids());
    let calls = 0;
    let killed = 0;
    const tools: ToolHost = {
      tools: () => pool.tools(),
      call: (request) => {
        calls += 1;
        // Calls rotate over the idle replicas: the third goes to bureau#1, killed under it.
        if (calls === 3) {
          killed = pool.pids()[0]!;
          process.kill(killed, 'SIGKILL');
        }
        return pool.call(request).finally(() => pool.pids().forEach((p) => seen.add(p)));
      },
    };
    const run = await runTestSquad(SQUAD, { tools });

    expect(run.outcome.status).toBe('completed');
    const results = run.of('tool.result');
    expect(results).toHaveLength(8);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const third = run.of('tool.call')[2]!;
    expect(run.of('tool.failover')).toEqual([
      expect.objectContaining({ callId: third.callId, from: 'bureau#1', to: 'bureau#2', attempt: 2, reason: expect.stringMatching(/killed by SIGKILL|transport error/) }),
    ]);
    expect(results[2]).toMatchObject({ replica: 'bureau#2', attempts: 2 });
    expect(run.of('tool.replica.down')).toEqual([expect.objectContaining({ server: 'bureau', replica: 'bureau#1' })]);
    expect(run.of('tool.replica.up')).toEqual([expect.objectContaining({ replica: 'bureau#1', restarts: 1 })]);
    // The restarted replica served again, and the order of events in the journal tells the story.
    expect(results.slice(3).map((r) => r.replica)).toContain('bureau#1');
    const order = run.events.map((e) => e.type).filter((t) => t.startsWith('tool.replica') || t === 'tool.failover');
    expect(order).toEqual(['tool.replica.down', 'tool.failover', 'tool.replica.up']);

    expect(seen.size).toBe(3);
    await pool.close();
    expect(await survivors([...seen])).toEqual([]);
  });
});

describe('a run cancelled during a tool call (Ctrl-C)', () => {
  it('ends at once, and leaves no server process behind', async () => {
    const yaml = `version: 1
name: cancel
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4.1-mini } }
toolServers:
  everything: { command: node, args: ["${EVERYTHING}", stdio], replicas: 2, timeoutMs: 60000 }
agents:
  a:
    role: worker
    model: m
    tools: [everything.*]
    script:
      - tool: { name: everything.trigger-long-running-operation, args: { duration: 60, steps: 2 } }
      - finish: done
`;
    const pool = await host(yaml);
    const pids = pool.pids();
    expect(pids).toHaveLength(2);
    const abort = new AbortController();
    const tools: ToolHost = {
      tools: () => pool.tools(),
      call: (request) => {
        const call = pool.call(request);
        // Ctrl-C once the call is on its way (the next turn of the event loop), not after a sleep.
        setImmediate(() => abort.abort(new Error('interrupted (Ctrl-C)')));
        return call;
      },
    };
    // The operation takes 60 s, twice the test's timeout: the run ending at all means the call was
    // abandoned at the cancel, not waited for.
    const run = await runTestSquad(yaml, { tools, signal: abort.signal });
    expect(run.outcome.status).toBe('cancelled');
    expect(run.events.some((e) => e.type === 'tool.result' && e.ok)).toBe(false);
    await pool.close();
    expect(await survivors(pids)).toEqual([]);
  });
});
