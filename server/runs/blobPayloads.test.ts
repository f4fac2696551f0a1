import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_LIMITS, type RunEventOf } from '../../protocol/runEvent';
import { collect, startTestServer, until, type TestServer } from '../http/testServer';

/**
 * A payload stored by reference, seen through the real server: the journal file holds a reference,
 * and the journal API and the WebSocket stream (live, and catching up from the file) carry it in full.
 * The model's maxOutputTokens is raised so that the scripted reply carrying the document is not cut off.
 */
const DOCUMENT = Array.from({ length: 4000 }, (_, i) => `Clause ${i}: the borrower shall keep a coverage ratio of at least 1.${String(i % 90).padStart(2, '0')}.`).join(' ');
const SQUAD = `version: 1
name: big-document
task: { entry: planner, input: Review the loan agreement. }
models: { mini: { provider: simulated, model: gpt-4.1-mini, maxOutputTokens: 1000000 } }
guardrails:
  chatter: { maxTokensPerEdge: 1000000000, minCoordinationTokens: 1000000000 }
agents:
  planner: { role: planner, model: mini, handoffs: [worker], script: [ { handoff: { to: worker, content: "${DOCUMENT}" } }, { finish: "Reviewed" } ] }
  worker: { role: worker, model: mini, handoffs: [planner], script: [ { handoff: { to: planner, content: "Read it" } } ] }
`;

let t: TestServer | null = null;
afterEach(async () => {
  await t?.dispose();
  t = null;
});

describe('payloads by reference through the server', () => {
  it('stores the document once by reference and serves full events over the journal API and the stream', { timeout: 60_000 }, async () => {
    expect(Buffer.byteLength(DOCUMENT)).toBeGreaterThan(JOURNAL_LIMITS.payloadBytes);
    t = await startTestServer();
    await writeFile(join(t.workspace, 'big.squad.yaml'), SQUAD);
    const live = await t.client.stream();
    const run = await t.client.startRun({ file: 'big.squad.yaml', seed: 4, paused: true });
    const liveEvents = collect(live, 'live', { timeoutMs: 30_000 });
    live.send({ type: 'subscribe', id: 'live', run: run.id });
    await until(async () => (await t!.client.run(run.id)).held !== null);
    await t.client.control(run.id, 'resume');
    const streamed = await liveEvents;
    expect(streamed.ended).toBe(true);
    await until(async () => (await t!.client.run(run.id)).live && (await t!.client.run(run.id)).endedAt !== null);
    expect(await t.client.run(run.id)).toMatchObject({ state: 'completed' });

    const detail = await t.client.run(run.id);
    const file = await readFile(join(t.workspace, detail.journal), 'utf8');
    expect(file).not.toContain('Clause 3999');
    expect(file).toContain('"$blobs"');
    expect(await readdir(join(t.workspace, '.squad', 'runs', 'blobs'))).toHaveLength(2); // the squad source and the document

    const sentDocument = (e: { type: string }): boolean => e.type === 'message.sent' && (e as RunEventOf<'message.sent'>).content === DOCUMENT;
    const page = await t.client.journal(run.id, 1, 1000);
    expect(page.complete).toBe(true);
    expect(page.events.filter(sentDocument)).toHaveLength(1);
    expect((page.events[0] as RunEventOf<'run.started'>).squad.source).toBe(SQUAD);
    expect(streamed.events.filter(sentDocument)).toHaveLength(1);

    // A subscriber that comes after the run catches up from the file, payloads resolved.
    const later = await t.client.stream();
    const caughtUp = collect(later, 'later', { timeoutMs: 30_000 });
    later.send({ type: 'subscribe', id: 'later', run: run.id });
    const after = await caughtUp;
    expect(after.events).toEqual(page.events);
    await live.close();
    await later.close();
  });
});
