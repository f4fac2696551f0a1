import { afterEach, describe, expect, it } from 'vitest';
import { ForecastSchema } from '../../protocol/api/forecastResponse';
import { SAMPLE_FILE, startTestServer, type TestServer } from './testServer';

/** `POST /api/forecast` against the real server: the server's tenants, as `squad forecast --tenants` judges them. */
let server: TestServer | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

async function forecast(s: TestServer, body: object): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${s.url}/api/forecast`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('POST /api/forecast', () => {
  it("splits the volume over the server's tenants and judges each against its own budget and limits", async () => {
    server = await startTestServer({ tenants: { defaults: { dailyBudgetUsd: 20 }, tenants: { acme: {}, globex: { dailyBudgetUsd: 500, maxConcurrentRuns: 3 } } } });
    const { status, json } = await forecast(server, { file: SAMPLE_FILE, profile: 'local', runsPerDay: 2000, days: 7, seeds: 4 });
    expect(status).toBe(200);
    const f = ForecastSchema.parse(json);
    expect(Object.keys(f.tenants).sort()).toEqual(['acme', 'globex']);
    const { acme, globex } = f.tenants;
    expect(acme!.runsPerDay).toBe(1000);
    expect(globex!.runsPerDay).toBe(1000);
    expect(acme!.dailyBudgetUsd).toBe(20);
    expect(globex!.dailyBudgetUsd).toBe(500);
    expect(globex!.limit.maxConcurrentRuns).toBe(3);
    expect(acme!.budgetUsed).toBeCloseTo(acme!.costPerDayUsd / 20, 12);
    expect(globex!.budgetUsed).toBeCloseTo(globex!.costPerDayUsd / 500, 12);
  });

  it('judges the default tenant when the server has no tenants file', async () => {
    server = await startTestServer();
    const { status, json } = await forecast(server, { file: SAMPLE_FILE, profile: 'local', runsPerDay: 100, seeds: 2 });
    expect(status).toBe(200);
    expect(Object.keys(ForecastSchema.parse(json).tenants)).toEqual(['default']);
  });
});
