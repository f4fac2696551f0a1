import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { SAMPLE_FILE, startTestServer, type TestServer } from '../../server/http/testServer';
import { readRunJournal } from '../model/readRunJournal';
import { syntheticRun } from '../model/syntheticRun';
import { BridgeError } from '../../client/BridgeError';
import { ServerHost } from '../../client/serverHost';
import { LocalBridge } from './localBridge';

/**
 * The browser's host against the real server over HTTP: fork, diff and paged journal reads, as the
 * Replay view uses them (and as the VS Code host does, which forwards run methods to a ServerHost).
 */
describe('ServerHost against the local server', () => {
  let t: TestServer;
  let bridge: LocalBridge;
  beforeAll(async () => {
    t = await startTestServer();
    bridge = new LocalBridge(new ServerHost({ baseUrl: t.url, token: t.token, WebSocket: NodeWebSocket as unknown as typeof WebSocket }));
  });
  afterAll(async () => {
    bridge?.dispose();
    await t?.dispose();
  });

  async function finishedRun(seed: number): Promise<string> {
    const run = await bridge.request('run.start', { path: SAMPLE_FILE, seed });
    for (let i = 0; i < 200; i++) {
      const info = await bridge.request('run.detail', { run: run.id });
      if (!['queued', 'running', 'paused'].includes(info.state)) return run.id;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the run did not end in 10 s');
  }

  it('forks a run at a step, answers the new run, and diffs it against its parent and another seed', async () => {
    const parent = await finishedRun(4);
    const parentEvents = await readRunJournal(bridge, parent, 0);
    const fork = await bridge.request('run.fork', { run: parent, seq: 12 });
    expect(fork.id).not.toBe(parent);
    expect(fork.state).toBe('completed');
    // The new run opens like any saved run: its journal starts with the parent's first 12 decisions.
    const forked = await readRunJournal(bridge, fork.id, fork.lastSeq);
    expect(forked.length).toBeGreaterThan(12);
    expect(forked.slice(1, 12).map((e) => e.type)).toEqual(parentEvents.slice(1, 12).map((e) => e.type));
    expect((await bridge.request('runs.list', { limit: 50 })).runs.map((r) => r.id)).toContain(fork.id);

    const same = await bridge.request('run.diff', { a: parent, b: fork.id });
    expect(same.parting).toBeNull();
    expect(same.a.costUsd).toBeCloseTo(same.b.costUsd, 9);

    const other = await finishedRun(5);
    const diff = await bridge.request('run.diff', { a: parent, b: other });
    expect(diff.parting).not.toBeNull();
    expect(diff.shared).toBe(diff.parting!.seq - 1);
    expect(diff.parting!.expected?.seq ?? diff.parting!.actual?.seq).toBeGreaterThan(0);
    expect(diff.a.costUsd).toBeGreaterThan(0);
    expect(Object.keys(diff.a.agents)).toContain('planner');
  }, 30_000);

  it('answers located errors: a step past the end, an unknown run', async () => {
    const parent = await finishedRun(6);
    const past = await bridge.request('run.fork', { run: parent, seq: 100_000 }).catch((e: unknown) => e);
    expect(past).toBeInstanceOf(BridgeError);
    expect(past).toMatchObject({ code: 'invalid', message: expect.stringMatching(/events 1 to \d+/) });
    await expect(bridge.request('run.diff', { a: parent, b: 'no-such-run' })).rejects.toMatchObject({ code: 'not-found' });
  }, 30_000);

  it('reads a 15,000-event journal in pages, whole and in order, with or without a hint', async () => {
    const events = syntheticRun(15_000, 'paged');
    await mkdir(join(t.workspace, '.squad', 'runs'), { recursive: true });
    await writeFile(join(t.workspace, '.squad', 'runs', 'paged.jsonl'), events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    for (const hint of [0, events.length, 40_000]) {
      const read = await readRunJournal(bridge, 'paged', hint);
      expect(read).toHaveLength(events.length);
      expect(read.every((e, i) => e.seq === i + 1)).toBe(true);
    }
  }, 60_000);
});
