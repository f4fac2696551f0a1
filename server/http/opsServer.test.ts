import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SquadMetrics } from './metrics';
import { OpsServer } from './opsServer';
import { ProbeReadiness } from './readiness';

/** A worker's health port: probes and metrics, the same rules as the API's. */
let ops: OpsServer;
let storeUp = true;
const readiness = new ProbeReadiness({
  store: async () => {
    if (!storeUp) throw new Error('connection refused');
    return 'postgres answers, migrations at 3';
  },
});
const METRICS_TOKEN = 'worker-metrics-token-0123456789';

beforeAll(async () => {
  ops = await OpsServer.listen({ host: '127.0.0.1', port: 0, version: 'test', readiness, metrics: new SquadMetrics(null), metricsToken: METRICS_TOKEN });
});
afterAll(async () => {
  await ops.close();
});

describe('a worker health port', () => {
  it('answers /healthz, and /readyz with each check; 503 when the store is down or the worker drains', async () => {
    expect((await fetch(`${ops.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${ops.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ok: true,
      checks: [
        { name: 'store', ok: true },
        { name: 'process', ok: true },
      ],
    });
    storeUp = false;
    const down = await fetch(`${ops.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      ok: false,
      checks: [
        { name: 'store', ok: false, detail: 'connection refused' },
        { name: 'process', ok: true },
      ],
    });
    storeUp = true;
    readiness.drain();
    expect((await fetch(`${ops.url}/readyz`)).status).toBe(503);
  });

  it('serves /metrics to the metrics token only, and nothing but the three routes', async () => {
    expect((await fetch(`${ops.url}/metrics`)).status).toBe(401);
    const scraped = await fetch(`${ops.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('squad_journal_append_seconds');
    expect((await fetch(`${ops.url}/api/runs`)).status).toBe(404);
    expect((await fetch(`${ops.url}/healthz`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
  });
});
