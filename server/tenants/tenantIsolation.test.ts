import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { firstCallFloorUsd } from '../engine/firstCallFloor';
import { formatUsdLimit } from '../engine/formatUsdLimit';
import { squadFrom } from '../engine/testSquad';
import type { RunInfo } from '../../protocol/api/runInfo';
import { percentile } from '../http/loadReport';
import { ApiRequestError } from '../http/squadClient';
import { SAMPLE, SAMPLE_FILE, startTestServer, until, type TestServer } from '../http/testServer';

const TENANTS = {
  defaults: {},
  tenants: {
    flood: { requestsPerMinute: 30, tokensPerMinute: 200_000, maxConcurrentRuns: 2, maxQueuedRuns: 10, maxRateLimitWaitMs: 120_000 },
    calm: { maxConcurrentRuns: 4 },
    thrifty: { dailyBudgetUsd: 0.04 },
    short: { dailyBudgetUsd: 0.01 },
    broke: { dailyBudgetUsd: 0 },
  },
};
const CALM_SEEDS = [1, 2, 3, 4, 5];

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.dispose()));
  servers = [];
});

async function server(): Promise<TestServer> {
  const s = await startTestServer({ tenants: TENANTS });
  servers.push(s);
  return s;
}

async function finished(s: TestServer, ids: string[]): Promise<RunInfo[]> {
  const ended = ['completed', 'failed', 'halted', 'cancelled', 'refused'];
  await until(async () => (await s.client.runs({ limit: '1000' })).filter((r) => ids.includes(r.id) && ended.includes(r.state)).length === ids.length, 150_000);
  return (await s.client.runs({ limit: '1000' })).filter((r) => ids.includes(r.id));
}

describe('tenant isolation', () => {
  it('tenant B keeps its run latency (p99) and cost while tenant A floods at 10x', async () => {
    // Baseline: B alone.
    const alone = await server();
    const baseRuns = await Promise.all(CALM_SEEDS.map((seed) => alone.client.startRun({ file: SAMPLE_FILE, seed, tenant: 'calm', profile: 'production' })));
    const base = await finished(
      alone,
      baseRuns.map((r) => r.id),
    );

    // The same runs of B while A sends ten times as many at once. A's runs start held, so they fill
    // A's bulkhead (2 in flight, 10 queued) for certain; then they are let go while B runs.
    const shared = await server();
    const flood = await Promise.allSettled(
      Array.from({ length: CALM_SEEDS.length * 10 }, (_, i) => shared.client.startRun({ file: SAMPLE_FILE, seed: 100 + i, tenant: 'flood', profile: 'production', paused: true })),
    );
    const calmStarts = CALM_SEEDS.map((seed) => shared.client.startRun({ file: SAMPLE_FILE, seed, tenant: 'calm', profile: 'production' }));
    const accepted = flood.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    const release = (async () => {
      for (let i = 0; i < 500; i++) {
        const held = (await shared.client.runs({ tenant: 'flood', state: 'paused' })).map((r) => r.id);
        await Promise.all(held.map((id) => shared.client.control(id, 'resume').catch(() => undefined)));
        const open = (await shared.client.runs({ tenant: 'flood', limit: '1000' })).filter((r) => ['queued', 'running', 'paused'].includes(r.state));
        if (open.length === 0) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const calmRuns = await Promise.all(calmStarts);
    const calm = await finished(
      shared,
      calmRuns.map((r) => r.id),
    );
    await release;

    const bySeed = (runs: RunInfo[]) => Object.fromEntries(runs.map((r) => [r.seed, { state: r.state, virtualMs: r.virtualMs, costUsd: r.usage.costUsd, events: r.lastSeq }]));
    expect(bySeed(calm)).toEqual(bySeed(base));
    expect(calm.every((r) => r.state === 'completed')).toBe(true);
    expect(
      percentile(
        calm.map((r) => r.virtualMs),
        0.99,
      ),
    ).toBe(
      percentile(
        base.map((r) => r.virtualMs),
        0.99,
      ),
    );
    expect(calm.map((r) => r.rateLimit)).toEqual(calm.map(() => ({ waits: 0, waitMs: 0, refusals: 0 })));

    // A met its own limits: its queue refused most of the flood, and its rate limit made the rest wait.
    const refused = flood.filter((r) => r.status === 'rejected');
    expect(refused.length).toBe(50 - 12);
    expect(accepted.length).toBe(12);
    for (const r of refused) expect(r.reason).toMatchObject({ status: 429, retryAfter: '1' });
    expect(refused[0]!.reason instanceof ApiRequestError && refused[0]!.reason.body.field).toBe('tenant');
    const floodRuns = await finished(shared, accepted);
    expect(floodRuns.reduce((a, r) => a + r.rateLimit.waits + r.rateLimit.refusals, 0)).toBeGreaterThan(0);

    const tenants = Object.fromEntries((await shared.client.tenants()).map((t) => [t.id, t]));
    expect(tenants.calm!.refusedRuns).toBe(0);
    expect(tenants.calm!.rateLimit).toEqual({ waits: 0, waitMs: 0, refusals: 0 });
    expect(tenants.flood!.refusedRuns).toBe(refused.length);
    expect(tenants.calm!.totals.costUsd).toBeCloseTo(
      base.reduce((a, r) => a + r.usage.costUsd, 0),
      10,
    );
    // Sixty-five runs through one server: seconds on a quiet machine, far more at a load of 20.
  }, 180_000);

  it("lowers a run's budget to what its tenant has left today, refuses a run that could not make its first call, and refuses runs once the day is spent", async () => {
    const s = await server();
    const first = await s.client.startRun({ file: SAMPLE_FILE, seed: 1, tenant: 'thrifty' });
    const [run] = await finished(s, [first.id]);
    expect(run!.budgetUsd).toBe(0.04); // the profile's $0.50, lowered to the tenant's day
    expect(run!.usage.costUsd).toBeLessThanOrEqual(0.04);
    const [thrifty] = (await s.client.tenants()).filter((t) => t.id === 'thrifty');
    expect(thrifty!.now.spentTodayUsd).toBeCloseTo(run!.usage.costUsd, 10);
    expect(thrifty!.now.remainingTodayUsd).toBeCloseTo(0.04 - run!.usage.costUsd, 10);

    // A day of $0.01 is less than the credit memo's first call may cost (its planner's prompt and
    // 4,096 output tokens): a run granted that could only halt, so it is refused, with both figures.
    const floor = firstCallFloorUsd(squadFrom(readFileSync(SAMPLE, 'utf8')));
    expect(floor).toBeGreaterThan(0.01);
    await expect(s.client.startRun({ file: SAMPLE_FILE, seed: 2, tenant: 'short' })).rejects.toMatchObject({
      status: 429,
      body: { field: 'tenant', error: `tenant "short" has $0.01 left of its daily budget of $0.01; this squad's first model call may cost up to ${formatUsdLimit(floor)}` },
    });
    expect((await s.client.tenants()).find((t) => t.id === 'short')!.refusedRuns).toBe(1);

    await expect(s.client.startRun({ file: SAMPLE_FILE, seed: 3, tenant: 'broke' })).rejects.toMatchObject({ status: 429, body: { field: 'tenant' } });
    const [broke] = (await s.client.tenants()).filter((t) => t.id === 'broke');
    expect(broke!.refusedRuns).toBe(1);
    // Another tenant is not touched by a spent day.
    const other = await s.client.startRun({ file: SAMPLE_FILE, seed: 3, tenant: 'calm' });
    expect((await finished(s, [other.id]))[0]!.state).toBe('completed');
  });
});
