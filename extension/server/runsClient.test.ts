import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_FILE, startTestServer, until, type TestServer } from '../../server/http/testServer';
import { RunsApiError, RunsClient } from './runsClient';

// The real server on 127.0.0.1, as the extension's bundled one is; the client gets its connection lazily.
let t: TestServer;
let client: RunsClient;
beforeAll(async () => {
  t = await startTestServer();
  client = new RunsClient(async () => ({ url: t.url, token: t.token, owned: true }));
});
afterAll(async () => {
  await t.dispose();
});

async function finishedRun(seed: number): Promise<string> {
  const run = await t.client.startRun({ file: SAMPLE_FILE, seed });
  await until(async () => !['running', 'queued', 'paused'].includes((await t.client.run(run.id)).state), 20_000);
  return run.id;
}

describe('RunsClient (replay, fork and diff through the server)', () => {
  it('replays a saved run identically, and finds where an edited squad file parts from it', async () => {
    const id = await finishedRun(7);
    const clean = await client.replay(id);
    expect(clean.divergence).toBeNull();
    expect(clean.replayed).toBe(clean.events);

    const source = readFileSync(join(t.workspace, SAMPLE_FILE), 'utf8').replace('You are the credit risk reviewer.', "You are the bank's credit risk reviewer.");
    const edited = await client.replay(id, { source, path: SAMPLE_FILE });
    expect(edited.divergence).toMatchObject({ expected: { type: 'model.request', agent: 'checker' } });
    expect(edited.replayed).toBeLessThan(edited.events);
  });

  it('forks a run into a new saved run and diffs the two', async () => {
    const id = await finishedRun(8);
    const fork = await client.fork(id, 10);
    expect(fork).toMatchObject({ status: 'completed', prefixDivergence: null });
    expect(fork.journal).not.toBe(id);
    const diff = await client.diff(id, fork.journal);
    expect(diff.parting).toBeNull();
    expect(diff.a.costUsd).toBeGreaterThan(0);
    expect(diff.b.costUsd).toBeCloseTo(diff.a.costUsd, 10);
    expect(Object.keys(diff.a.agents)).toContain('checker');

    const other = await finishedRun(9);
    const apart = await client.diff(id, other);
    // Another seed: the runs part at once (run.started records the seed).
    expect(apart.parting).toMatchObject({ seq: 1, expected: { type: 'run.started' } });
    expect(apart.shared).toBe((apart.parting?.seq ?? 0) - 1);
  });

  it('deletes a finished run: its journal goes and no list shows it', async () => {
    const id = await finishedRun(11);
    const journal = join(t.workspace, '.squad', 'runs', `${id}.jsonl`);
    expect(existsSync(journal)).toBe(true);
    await client.remove(id);
    expect(existsSync(journal)).toBe(false);
    expect((await t.client.runs()).map((r) => r.id)).not.toContain(id);
    await expect(client.remove(id)).rejects.toMatchObject({ status: 404 });

    const live = await t.client.startRun({ file: SAMPLE_FILE, seed: 12, paused: true });
    await expect(client.remove(live.id)).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/cancel it/) });
    await t.client.control(live.id, 'cancel');
  });

  it('turns a refusal into an error with the reason and the field', async () => {
    const id = await finishedRun(10);
    const bad = await client.fork(id, 100_000).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(RunsApiError);
    expect(bad).toMatchObject({ status: 400, field: 'atSeq' });
    expect((bad as Error).message).toMatch(/events 1 to \d+/);

    const broken = await client.replay(id, { source: 'version: 1\nname: [', path: 'edited.squad.yaml' }).catch((e: unknown) => e);
    expect(broken).toMatchObject({ status: 400, field: 'source' });
    expect((broken as Error).message).toMatch(/^edited\.squad\.yaml:\d+:\d+: /);

    await expect(client.diff(id, 'no-such-run')).rejects.toMatchObject({ status: 404 });
    const offline = new RunsClient(async () => ({ url: 'http://127.0.0.1:9', token: 'x', owned: false }));
    await expect(offline.replay(id)).rejects.toThrow(/cannot reach the Squad server/);
  });
});
