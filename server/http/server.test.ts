import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidateResponseSchema } from '../../protocol/api/validateRequest';
import { readJournalFile } from '../store/readJournal';
import { serverFilePath } from './serverFile';
import { collect, SAMPLE_FILE, startTestServer, until, type TestServer } from './testServer';

let t: TestServer | null = null;
afterEach(async () => {
  await t?.dispose();
  t = null;
});

async function journalOf(t: TestServer, id: string) {
  const detail = await t.client.run(id);
  return (await readJournalFile(join(t.workspace, detail.journal))).events;
}

describe('squad server: runs over HTTP, events over WebSocket', () => {
  it('runs the sample and streams every event live, exactly as journaled', async () => {
    t = await startTestServer();
    const stream = await t.client.stream();
    const run = await t.client.startRun({ file: SAMPLE_FILE, seed: 7, paused: true });
    expect(run.state).toBe('queued');
    const got = collect(stream, 's1');
    stream.send({ type: 'subscribe', id: 's1', run: run.id });
    await until(async () => (await t!.client.run(run.id)).held !== null);
    await t.client.control(run.id, 'resume');
    const { events, ended, frames } = await got;
    expect(ended).toBe(true);
    expect(frames.at(-1)).toEqual({ type: 'end', id: 's1', run: run.id, state: 'completed' });
    const journal = await journalOf(t, run.id);
    expect(journal.length).toBeGreaterThan(50);
    expect(events).toEqual(journal);

    const detail = await t.client.run(run.id);
    expect(detail).toMatchObject({ state: 'completed', tenant: 'default', seed: 7, lastSeq: journal.length, guardrails: [] });
    expect(detail.usage.costUsd).toBeGreaterThan(0);
    expect(Object.keys(detail.agents)).toEqual(['planner', 'financials', 'collateral', 'regulatory', 'checker']);
    const list = await t.client.runs();
    expect(list.map((r) => r.id)).toEqual([run.id]);
    const page = await t.client.journal(run.id, 10, 5);
    expect(page).toEqual({ events: journal.slice(9, 14), nextSeq: 15, complete: false });
    const last = await t.client.journal(run.id, journal.length, 100);
    expect(last.complete).toBe(true);
    await stream.close();
  });

  it('gives a client that reconnects mid-run from a seq every event exactly once, in order', async () => {
    t = await startTestServer();
    const run = await t.client.startRun({ file: SAMPLE_FILE, seed: 11, paused: true });
    const first = await t.client.stream();
    const part1 = collect(first, 'a', { stopAfter: 12 });
    first.send({ type: 'subscribe', id: 'a', run: run.id });
    // Step the run forward one checkpoint at a time until the first client has 12 events.
    for (let i = 0; i < 200 && (await t.client.run(run.id)).lastSeq < 12; i++) {
      await until(async () => (await t!.client.run(run.id)).held !== null);
      await t.client.control(run.id, 'step');
    }
    const { events: before } = await part1;
    await first.close();
    // The run goes on while no one listens.
    for (let i = 0; i < 5; i++) {
      await until(async () => (await t!.client.run(run.id)).held !== null);
      await t.client.control(run.id, 'step');
    }
    await until(async () => (await t!.client.run(run.id)).held !== null);
    const missed = (await t.client.run(run.id)).lastSeq;
    const from = before.at(-1)!.seq + 1;
    expect(missed).toBeGreaterThan(from); // events happened while disconnected
    const second = await t.client.stream();
    const part2 = collect(second, 'b');
    second.send({ type: 'subscribe', id: 'b', run: run.id, fromSeq: from });
    await until(async () => (await t!.client.run(run.id)).held !== null);
    await t.client.control(run.id, 'resume');
    const { events: after } = await part2;
    await second.close();
    const seqs = [...before, ...after].map((e) => e.seq);
    const journal = await journalOf(t, run.id);
    expect(seqs).toEqual(journal.map((e) => e.seq));
    expect([...before, ...after]).toEqual(journal);
  });

  it('falls a slow client back to the journal with a lagged frame, still exactly once and in order', async () => {
    t = await startTestServer({ streamLimits: { maxQueuedEvents: 3, lagPollMs: 1 } });
    const stream = await t.client.stream();
    const run = await t.client.startRun({ file: SAMPLE_FILE, seed: 3, paused: true });
    const got = collect(stream, 'slow');
    let caughtUp = false;
    stream.onFrame((f) => (caughtUp ||= f.type === 'events'));
    stream.send({ type: 'subscribe', id: 'slow', run: run.id });
    await until(() => caughtUp); // the catch-up is out: what follows comes live, faster than 3 events a frame
    await t.client.control(run.id, 'resume');
    const { events, frames } = await got;
    expect(frames.some((f) => f.type === 'lagged')).toBe(true);
    expect(events).toEqual(await journalOf(t, run.id));
  });

  it('pauses, steps, resumes and cancels a run; a tenant subscription sees its runs change', async () => {
    t = await startTestServer();
    const stream = await t.client.stream();
    const seen: string[] = [];
    stream.onFrame((f) => {
      if (f.type === 'run' && f.id === 'ten') seen.push(f.run.state);
    });
    stream.send({ type: 'subscribe.tenant', id: 'ten', tenant: 'acme', events: false });
    const run = await t.client.startRun({ file: SAMPLE_FILE, seed: 1, tenant: 'acme', paused: true });
    await until(async () => (await t!.client.run(run.id)).held !== null);
    const held = await t.client.run(run.id);
    expect(held.state).toBe('paused');
    expect(held.held).toEqual({ kind: 'turn', agent: 'planner', turn: 1, detail: null });
    const stepped = await t.client.control(run.id, 'step');
    expect(stepped.state).toBe('paused');
    await until(async () => (await t!.client.run(run.id)).held?.kind === 'model');
    const seq = (await t.client.run(run.id)).lastSeq;
    // Held: nothing happens over event-loop turns and an HTTP round trip (no fixed sleep).
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect((await t.client.run(run.id)).lastSeq).toBe(seq);
    const cancelled = await t.client.control(run.id, 'cancel');
    expect(cancelled.state).toBe('cancelled');
    const journal = await journalOf(t, run.id);
    expect(journal.at(-1)).toMatchObject({ type: 'run.completed', status: 'cancelled' });
    await expect(t.client.control(run.id, 'resume')).rejects.toMatchObject({ status: 409 });
    await until(() => seen.includes('cancelled'));
    expect(seen[0]).toBe('queued');
    expect(seen).toContain('paused');
    await stream.close();
  });

  it('validates squad files and lists tenants with accounting per squad and agent', async () => {
    t = await startTestServer();
    const v = await fetch(`${t.url}/api/validate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'version: 1\nname: x\n', path: 'x.squad.yaml' }),
    });
    const body = ValidateResponseSchema.parse(await v.json());
    expect(v.status).toBe(200);
    expect(body.ok).toBe(false);
    expect(body.errors[0]).toMatchObject({ file: 'x.squad.yaml', line: expect.any(Number) });
    const run = await t.client.startRun({ file: SAMPLE_FILE, seed: 2, tenant: 'acme' });
    await until(async () => (await t!.client.run(run.id)).state === 'completed');
    const [acme] = await t.client.tenants();
    const detail = await t.client.run(run.id);
    expect(acme!.id).toBe('acme');
    expect(acme!.totals.runs).toBe(1);
    expect(acme!.totals.costUsd).toBeCloseTo(detail.usage.costUsd, 10);
    expect(acme!.squads['credit-memo']!.agents.checker!.outputTokens).toBe(detail.agents.checker!.outputTokens);
    expect(acme!.now.spentTodayUsd).toBeCloseTo(detail.usage.costUsd, 10);
  });

  it('shuts down cleanly: runs in flight paused and journals flushed, listed as interrupted afterwards; server.json is 0600 and removed', async () => {
    t = await startTestServer();
    const info = await stat(serverFilePath(t.workspace));
    expect(info.mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(serverFilePath(t.workspace), 'utf8'))).toMatchObject({ url: t.url, token: t.token });
    const run = await t.client.startRun({ file: SAMPLE_FILE, seed: 5, paused: true });
    await until(async () => (await t!.client.run(run.id)).held !== null);
    await t.client.control(run.id, 'step');
    await until(async () => (await t!.client.run(run.id)).held?.kind === 'model');
    const lastSeq = (await t.client.run(run.id)).lastSeq;
    await t.server.close();
    await expect(stat(serverFilePath(t.workspace))).rejects.toThrow();
    const { events, torn } = await readJournalFile(join(t.workspace, '.squad', 'runs', `${run.id}.jsonl`));
    expect(torn).toBeNull();
    expect(events.length).toBe(lastSeq);
    expect(events.some((e) => e.type === 'run.completed')).toBe(false);

    const again = await startTestServer({ workspace: t.workspace });
    try {
      const [saved] = await again.client.runs();
      expect(saved).toMatchObject({ id: run.id, state: 'interrupted', live: false, lastSeq });
    } finally {
      await again.server.close();
    }
  });
});
