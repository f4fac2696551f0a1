import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunInfo } from '../../protocol/api/runInfo';
import { SAMPLE_FILE, startTestServer, until, type TestServer } from '../http/testServer';

/**
 * A tenant's shared rate limiter must not change a run's journal: the same run gives the same bytes
 * whether its tenant runs nothing else or five other runs that make it wait (the wait used to be
 * added to the response's latencyMs, so the journal depended on what else the tenant was running).
 */
const TENANTS = { defaults: {}, tenants: { tight: { requestsPerMinute: 4, tokensPerMinute: 1e9, maxConcurrentRuns: 8, maxRateLimitWaitMs: 36_000_000 } } };
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
});

async function finished(s: TestServer, ids: string[]): Promise<RunInfo[]> {
  await until(async () => (await s.client.runs({ limit: '100' })).filter((r) => ids.includes(r.id) && r.state === 'completed').length === ids.length, 60_000);
  return (await s.client.runs({ limit: '100' })).filter((r) => ids.includes(r.id));
}

describe("a tenant's rate limits and reproducibility", () => {
  it('gives a run the same journal, byte for byte, alone or while its tenant is throttled by other runs', async () => {
    const alone = await startTestServer({ tenants: TENANTS });
    servers.push(alone);
    const solo = await alone.client.startRun({ file: SAMPLE_FILE, seed: 1, tenant: 'tight', profile: 'production' });
    const [soloInfo] = await finished(alone, [solo.id]);

    const busy = await startTestServer({ tenants: TENANTS });
    servers.push(busy);
    const started = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => busy.client.startRun({ file: SAMPLE_FILE, seed, tenant: 'tight', profile: 'production' })));
    const infos = await finished(
      busy,
      started.map((r) => r.id),
    );
    expect(infos.reduce((n, r) => n + r.rateLimit.waits, 0)).toBeGreaterThan(0); // the limiter did make calls wait
    expect(infos.every((r) => r.rateLimit.refusals === 0)).toBe(true);
    const twin = infos.find((r) => r.seed === 1)!;
    expect(twin.runId).toBe(soloInfo!.runId);
    const read = (s: TestServer, id: string) => readFile(join(s.workspace, '.squad', 'runs', `${id}.jsonl`), 'utf8');
    expect(await read(busy, twin.id)).toBe(await read(alone, solo.id));
  }, 120_000);

  it('gives two identical servers identical journals for every seed of a throttled tenant running five at once', async () => {
    const seeds = [1, 2, 3, 4, 5];
    const journals = async (): Promise<Map<number, string>> => {
      const server = await startTestServer({ tenants: TENANTS });
      servers.push(server);
      const started = await Promise.all(seeds.map((seed) => server.client.startRun({ file: SAMPLE_FILE, seed, tenant: 'tight', profile: 'production' })));
      const infos = await finished(
        server,
        started.map((r) => r.id),
      );
      expect(infos.reduce((n, r) => n + r.rateLimit.waits, 0)).toBeGreaterThan(0);
      const out = new Map<number, string>();
      for (const info of infos) out.set(info.seed, await readFile(join(server.workspace, '.squad', 'runs', `${info.id}.jsonl`), 'utf8'));
      return out;
    };
    const [a, b] = [await journals(), await journals()];
    expect([...a.keys()].sort()).toEqual(seeds);
    for (const seed of seeds) expect({ seed, same: a.get(seed) === b.get(seed) }).toEqual({ seed, same: true });
  }, 180_000);
});
