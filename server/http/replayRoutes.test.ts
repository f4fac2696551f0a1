import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_FILE, startTestServer, type TestServer } from './testServer';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.dispose();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function finishedRun(): Promise<string> {
  const run = await t.client.startRun({ file: SAMPLE_FILE, seed: 4 });
  for (let i = 0; i < 200; i++) {
    const info = await t.client.run(run.id);
    if (info.state !== 'running' && info.state !== 'queued' && info.state !== 'paused') return run.id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the run did not end in 10 s');
}

describe('replay, fork and diff over the API', () => {
  it('replays a saved run with no divergence, and reports one for an edited squad file', async () => {
    const id = await finishedRun();
    const clean = await api('POST', `/api/runs/${id}/replay`, {});
    expect(clean.status).toBe(200);
    expect(clean.json).toMatchObject({ divergence: null });
    expect(clean.json.replayed).toBe(clean.json.events);

    const journal = (await t.client.journal(id)).events;
    const source = (journal[0] as { squad: { source: string } }).squad.source.replace('You are the credit risk reviewer.', "You are the bank's credit risk reviewer.");
    const edited = await api('POST', `/api/runs/${id}/replay`, { source });
    expect(edited.json.divergence).toMatchObject({ expected: { type: 'model.request', agent: 'checker' }, fields: ['inputTokensEstimate'] });

    const broken = await api('POST', `/api/runs/${id}/replay`, { source: 'version: 1\nname: [' });
    expect(broken.status).toBe(400);
    expect(broken.json).toMatchObject({ field: 'source' });
    expect(String(broken.json.error)).toMatch(/^edited\.squad\.yaml:\d+:\d+: /);
  });

  it('forks a run at a step into a new saved run, and diffs the two', async () => {
    const id = await finishedRun();
    const fork = await api('POST', `/api/runs/${id}/fork`, { atSeq: 12 });
    expect(fork.status).toBe(201);
    expect(fork.json).toMatchObject({ status: 'completed', prefixDivergence: null });
    const forkId = String(fork.json.journal);
    const forked = (await t.client.journal(forkId)).events;
    expect(forked[12]).toMatchObject({ type: 'run.forked', atSeq: 12 });

    const diff = await api('GET', `/api/diff?a=${encodeURIComponent(id)}&b=${encodeURIComponent(forkId)}`);
    expect(diff.status).toBe(200);
    // Unedited and deterministic: the fork makes every decision its parent made.
    expect(diff.json).toMatchObject({ parting: null, a: { status: 'completed' }, b: { status: 'completed' } });
    expect((diff.json.a as { costUsd: number }).costUsd).toBeCloseTo((diff.json.b as { costUsd: number }).costUsd, 10);

    expect((await api('POST', `/api/runs/${id}/fork`, { atSeq: 100000 })).status).toBe(400);
    expect((await api('POST', `/api/runs/${id}/fork`, { at: 3 })).status).toBe(400);
    expect((await api('POST', '/api/runs/no-such-run/replay', {})).status).toBe(404);
  });
});
