import { copyFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/runEvent';
import { readJournalFile } from '../store/readJournal';
import { SquadMetrics } from './metrics';
import { startTestServer, until, type TestServer } from './testServer';

/**
 * /metrics scraped while runs of several squads and tenants are queued, paused and running, and
 * after they end: every figure is checked against what the journals on disk say.
 */
const GALLERY = resolve(__dirname, '../../samples/failure-modes');
const SQUADS = ['credit-memo.squad.yaml', 'cascade-rate-feed.squad.yaml', 'chatter-claims-triage.squad.yaml', 'loop-kyc-review.squad.yaml'];

let t: TestServer;
beforeAll(async () => {
  // Tenant "acme" runs one at a time: a second run of it waits in the queue.
  t = await startTestServer({ tenants: { defaults: {}, tenants: { acme: { maxConcurrentRuns: 1 } } } });
  for (const f of SQUADS.slice(1)) await copyFile(join(GALLERY, f), join(t.workspace, f));
});
afterAll(async () => {
  await t.dispose();
});

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The Prometheus text format, as a scraper reads it: `name{a="b",…} value` lines. */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not exposition format: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

function sum(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

async function journals(): Promise<RunEvent[][]> {
  const dir = join(t.workspace, '.squad', 'runs');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  return Promise.all(files.map(async (f) => (await readJournalFile(join(dir, f))).events));
}

describe('/metrics', () => {
  it('reports runs by state and the queue while runs wait, then figures equal to the journals', async () => {
    // acme: one run held paused at its first checkpoint, one queued behind it.
    const held = await t.client.startRun({ file: SQUADS[0]!, seed: 1, tenant: 'acme', paused: true });
    const queued = await t.client.startRun({ file: SQUADS[1]!, seed: 2, tenant: 'acme' });
    await until(async () => (await t.client.run(held.id)).state === 'paused');
    const during = await scrape();
    expect(sum(during, 'squad_runs', { state: 'paused', tenant: 'acme' })).toBe(1);
    expect(sum(during, 'squad_runs', { state: 'queued', tenant: 'acme' })).toBe(1);
    expect(sum(during, 'squad_queue_depth')).toBe(1);
    expect(sum(during, 'squad_queue_oldest_age_seconds')).toBeGreaterThan(0);
    expect(sum(during, 'squad_tenant_budget_usd', { tenant: 'acme' })).toBe(50);

    // Other tenants' runs, concurrently.
    const others = await Promise.all(SQUADS.map((file, i) => t.client.startRun({ file, seed: 10 + i, tenant: i % 2 === 0 ? 'globex' : 'initech' })));
    await t.client.control(held.id, 'resume');
    const ids = [held.id, queued.id, ...others.map((r) => r.id)];
    await until(async () => (await Promise.all(ids.map((id) => t.client.run(id)))).every((r) => !['queued', 'running', 'paused'].includes(r.state)), 30_000);

    const after = await scrape();
    const all = await journals();
    expect(all.length).toBe(ids.length);
    const events = all.flat();
    const tenantOf = new Map(all.map((evs) => [evs[0]!.runId, evs[0]!.type === 'run.started' ? evs[0].tenant : '']));
    const tenant = (e: RunEvent): string => tenantOf.get(e.runId) ?? '';

    // Runs ended, by tenant and status.
    for (const e of events.filter((x) => x.type === 'run.completed')) {
      if (e.type !== 'run.completed') continue;
      const expected = events.filter((x) => x.type === 'run.completed' && x.status === e.status && tenant(x) === tenant(e)).length;
      expect(sum(after, 'squad_runs_completed_total', { tenant: tenant(e), status: e.status }), `${tenant(e)} ${e.status}`).toBe(expected);
    }
    expect(sum(after, 'squad_runs_completed_total')).toBe(ids.length);
    expect(sum(after, 'squad_runs_started_total')).toBe(ids.length);
    expect(sum(after, 'squad_runs')).toBe(0);
    expect(sum(after, 'squad_queue_depth')).toBe(0);

    // Model calls: count and total latency per model, as journaled.
    const models = new Map<string, string>();
    const modelCalls = new Map<string, { count: number; seconds: number; errors: number }>();
    for (const e of events) {
      if (e.type === 'model.request' && e.agent) models.set(`${e.runId}/${e.agent}`, e.model);
      if ((e.type === 'model.response' || e.type === 'model.failed') && e.agent) {
        const model = models.get(`${e.runId}/${e.agent}`)!;
        const m = modelCalls.get(model) ?? { count: 0, seconds: 0, errors: 0 };
        m.count += 1;
        m.seconds += e.latencyMs / 1000;
        if (e.type === 'model.failed') m.errors += 1;
        modelCalls.set(model, m);
      }
    }
    expect(modelCalls.size).toBeGreaterThan(0);
    for (const [model, m] of modelCalls) {
      expect(sum(after, 'squad_model_call_seconds_count', { model }), model).toBe(m.count);
      expect(sum(after, 'squad_model_call_seconds_sum', { model })).toBeCloseTo(m.seconds, 6);
      expect(sum(after, 'squad_model_call_errors_total', { model })).toBe(m.errors);
    }

    // Tool calls by server, and their failures.
    const tools = events.filter((e) => e.type === 'tool.result');
    expect(tools.length).toBeGreaterThan(0);
    for (const server of new Set(tools.map((e) => (e.type === 'tool.result' ? e.tool.split('.')[0]! : '')))) {
      const mine = tools.filter((e) => e.type === 'tool.result' && e.tool.startsWith(`${server}.`));
      expect(sum(after, 'squad_tool_call_seconds_count', { server }), server).toBe(mine.length);
      expect(sum(after, 'squad_tool_call_errors_total', { server })).toBe(mine.filter((e) => e.type === 'tool.result' && !e.ok).length);
    }

    // Guardrail trips by kind: the gallery's squads trip cascade, chatter and loop.
    const trips = events.filter((e) => e.type === 'guardrail.tripped');
    const kinds = new Set(trips.map((e) => (e.type === 'guardrail.tripped' ? e.kind : '')));
    expect(kinds.size).toBeGreaterThanOrEqual(2);
    for (const kind of kinds) expect(sum(after, 'squad_guardrail_trips_total', { kind }), kind).toBe(trips.filter((e) => e.type === 'guardrail.tripped' && e.kind === kind).length);

    // Spend per tenant: the costed events of its journals; today's spend gauge agrees.
    for (const id of ['acme', 'globex', 'initech']) {
      const spent = events
        .filter((e) => tenant(e) === id)
        .reduce((a, e) => a + ('costUsd' in e && typeof e.costUsd === 'number' && (e.type === 'model.response' || e.type === 'model.failed' || e.type === 'context.compacted') ? e.costUsd : 0), 0);
      expect(spent).toBeGreaterThan(0);
      expect(sum(after, 'squad_spend_usd_total', { tenant: id })).toBeCloseTo(spent, 9);
      expect(sum(after, 'squad_tenant_spend_today_usd', { tenant: id })).toBeCloseTo(spent, 3);
    }

    // Every run's journal went through group commits that were timed.
    expect(sum(after, 'squad_journal_append_seconds_count', { store: 'file' })).toBeGreaterThanOrEqual(ids.length);
    expect(sum(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it("is refused without a token, and to a tenant's token", async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${t.url}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'acme' }) });
    const { token } = (await res.json()) as { token: string };
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
  });
});

describe('/metrics with a metrics token', () => {
  it('reads with SQUAD_METRICS_TOKEN, which opens nothing else', async () => {
    const metricsToken = 'metrics-only-token-0123456789';
    const s = await startTestServer({ metricsToken });
    try {
      expect((await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
      expect((await fetch(`${s.url}/api/runs`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(401);
      expect((await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status).toBe(401);
    } finally {
      await s.dispose();
    }
  });
});

describe('SquadMetrics', () => {
  it('does not count again the replayed part of a resumed run (events up to resumedAfterSeq)', async () => {
    const metrics = new SquadMetrics(null, { processMetrics: false });
    const base = { runId: 'r1', t: 0, agent: 'a', spanId: 's', parentSpanId: null };
    const request = (seq: number): RunEvent => ({ ...base, seq, type: 'model.request', provider: 'simulated', model: 'gpt-4.1', messages: 1, inputTokensEstimate: 1, contextWindow: 1000, tools: [] });
    const response = (seq: number): RunEvent => ({
      ...base,
      seq,
      type: 'model.response',
      text: '',
      toolCalls: [],
      usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 },
      costUsd: 0.25,
      priced: true,
      latencyMs: 500,
    });
    metrics.runStarted({ id: 'r1', tenant: 'acme', squad: 's', startedAt: new Date(), resumedAfterSeq: 2 });
    for (const e of [request(1), response(2), request(3), response(4)]) metrics.event('r1', e);
    metrics.runEnded('r1');
    const samples = parseExposition(await metrics.text());
    expect(sum(samples, 'squad_model_call_seconds_count', { model: 'gpt-4.1' })).toBe(1);
    expect(sum(samples, 'squad_spend_usd_total', { tenant: 'acme' })).toBe(0.25);
    expect(sum(samples, 'squad_runs_resumed_total')).toBe(1);
  });
});
