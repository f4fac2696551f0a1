import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom, type RandomSource } from '../engine/randomSource';
import { ReplicaPool, type PoolCallResult } from './replicaPool';
import { simulatedConnector } from './simulatedConnector';
import { POLICY_DEFAULTS, type ToolServerPolicy } from './toolServerPolicy';

const SCORES = {
  tools: {
    score: {
      description: 'credit score',
      inputSchema: { type: 'object', properties: { company: { type: 'string' } } },
      responses: [{ when: { company: 'ACME' }, result: { score: 72 } }],
      error: 'company not on file',
    },
  },
};

function policy(over: Partial<ToolServerPolicy> = {}): ToolServerPolicy {
  return {
    simulate: true,
    replicas: 1,
    latency: undefined,
    errorRate: 0,
    dropRate: 0,
    hangRate: 0,
    coldStartMs: 0,
    concurrency: Infinity,
    ...POLICY_DEFAULTS,
    ...over,
  };
}

const pools: ReplicaPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function pool(over: Partial<ToolServerPolicy> = {}, random: RandomSource = seededRandom(1)): Promise<ReplicaPool> {
  const p = policy(over);
  const connector = simulatedConnector('bureau', SCORES);
  const created = new ReplicaPool({ server: 'bureau', connectors: Array.from({ length: p.replicas }, () => connector), policy: p, random, timing: 'real' });
  pools.push(created);
  await created.start(new AbortController().signal);
  return created;
}

const signal = new AbortController().signal;
const call = (p: ReplicaPool, now = 0, company = 'ACME'): Promise<PoolCallResult> => p.call('score', { company }, now, signal);

describe('ReplicaPool with simulated replicas', () => {
  it('answers from canned results, structured as JSON, errors as tool errors, in zero time under local conditions', async () => {
    const p = await pool();
    expect(await call(p)).toEqual({ ok: true, content: '{"score":72}', latencyMs: 0, replica: 'bureau#1', attempts: 1, incidents: [] });
    expect(await call(p, 0, 'Nobody Inc')).toMatchObject({ ok: false, content: 'company not on file', error: 'tool', attempts: 1 });
  });

  it('spreads calls over replicas by least outstanding calls, rotating ties', async () => {
    const p = await pool({ replicas: 3, latency: { p50Ms: 100, p99Ms: 100, distribution: 'lognormal' } });
    const replicas = [];
    for (let i = 0; i < 4; i++) replicas.push((await call(p, 0)).replica);
    // Three calls at t=0 take one replica each; the fourth joins the least loaded (all equal: rotate).
    expect(replicas).toEqual(['bureau#1', 'bureau#2', 'bureau#3', 'bureau#1']);
    expect((await call(p, 150)).replica).toBe('bureau#2');
  });

  it("queues calls beyond a replica's concurrency and charges the wait to their latency", async () => {
    const p = await pool({ concurrency: 2, latency: { p50Ms: 100, p99Ms: 100, distribution: 'lognormal' } });
    const latencies = [];
    for (let i = 0; i < 5; i++) latencies.push((await call(p, 0)).latencyMs);
    expect(latencies).toEqual([100, 100, 200, 200, 300]);
    // Once the queue has drained, a call is served at once again.
    expect((await call(p, 1000)).latencyMs).toBe(100);
  });

  it('charges the cold start to the first call of each replica only', async () => {
    const p = await pool({ replicas: 2, coldStartMs: 800 });
    const latencies = [];
    for (let i = 0; i < 4; i++) latencies.push((await call(p, i * 10)).latencyMs);
    expect(latencies).toEqual([800, 800, 0, 0]);
  });

  it('fails over a dropped connection to another replica, restarts the dropped one, and journals both', async () => {
    const p = await pool({ replicas: 2, dropRate: 0.15, maxAttempts: 4, latency: { p50Ms: 40, p99Ms: 40, distribution: 'lognormal' } }, seededRandom(5));
    const results: PoolCallResult[] = [];
    for (let i = 0; i < 40; i++) results.push(await call(p, i * 1000));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const failedOver = results.filter((r) => r.attempts > 1);
    expect(failedOver.length).toBeGreaterThan(0);
    const first = failedOver[0]!;
    const kinds = first.incidents.map((i) => i.kind);
    expect(kinds).toContain('replica.down');
    expect(kinds).toContain('failover');
    const failover = first.incidents.find((i) => i.kind === 'failover')!;
    expect(failover).toMatchObject({ reason: 'connection dropped (injected)', attempt: 2 });
    expect(results.flatMap((r) => r.incidents).some((i) => i.kind === 'replica.up')).toBe(true);
  });

  it("gives up within the deadline with every attempt's reason when no replica answers", async () => {
    const p = await pool({ replicas: 2, hangRate: 1, timeoutMs: 1000, deadlineMs: 5000, maxAttempts: 3 });
    const result = await call(p, 100);
    expect(result.ok).toBe(false);
    expect(result.error).toBe('timeout');
    expect(result.attempts).toBe(3);
    expect(result.latencyMs).toBeLessThanOrEqual(5000);
    expect(result.content).toMatch(/^bureau\.score failed after 3 attempts: attempt 1 on bureau#1: no answer within 1000 ms \(injected hang\); attempt 2 on bureau#2: .*; attempt 3 on/);
  });

  it('reports a JSON-RPC error to the agent without failing over', async () => {
    const p = await pool({ replicas: 2, errorRate: 1 });
    expect(await call(p)).toMatchObject({ ok: false, error: 'protocol', attempts: 1, content: 'JSON-RPC error -32603: internal error (injected fault)' });
  });

  it('fails a result over maxResultBytes with its size instead of passing it on', async () => {
    const p = await pool({ maxResultBytes: 10 });
    const result = await call(p);
    expect(result).toMatchObject({ ok: false, error: 'too-large' });
    expect(result.content).toMatch(/^the result is \d+ B, over the 10 B limit \(maxResultBytes\)/);
  });

  it('is a pure function of the seed', async () => {
    const conditions = {
      replicas: 3,
      concurrency: 2,
      coldStartMs: 300,
      dropRate: 0.1,
      hangRate: 0.05,
      errorRate: 0.05,
      timeoutMs: 2000,
      latency: { p50Ms: 90, p99Ms: 1200, distribution: 'lognormal' as const },
    };
    const trace = async (seed: number) => {
      const p = await pool(conditions, seededRandom(seed));
      const out: PoolCallResult[] = [];
      for (let i = 0; i < 60; i++) out.push(await call(p, i * 37));
      return out;
    };
    const a = await trace(11);
    expect(await trace(11)).toEqual(a);
    expect(await trace(12)).not.toEqual(a);
  });
});
