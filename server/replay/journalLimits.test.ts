import { copyFile, mkdtemp, readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_LIMITS, type RunEvent, type RunEventOf } from '../../protocol/runEvent';
import { journalLimitMessage, report } from '../cli/runReport';
import { paintFor } from '../cli/paint';
import { runSummary } from '../cli/runSummary';
import type { RunOutcome } from '../engine/runSquad';
import { LocalRun } from '../runner/localRun';
import { FileJournalWriter } from '../store/fileJournalWriter';
import { readJournalFile } from '../store/readJournal';
import { continueRun, replayRun, squadOf } from './reRun';
import { batchLoopSquad } from '../testing/batchLoopSquad';

/**
 * The journal's limits on a real run: a squad whose first hand-off carries a 355 KB document (stored
 * by reference) and that goes on for more than 10,000 events (a `journal.limit` warning), recorded to
 * files by the same wiring as `squad run`, then run again, replayed, resumed and forked.
 */
const ROUNDS = 600;
const DOCUMENT = Array.from({ length: 4000 }, (_, i) => `Clause ${i}: the borrower shall maintain a debt service coverage ratio of at least 1.${String(i % 90).padStart(2, '0')}.`).join(' ');
const SQUAD = batchLoopSquad({ name: 'big-loop', rounds: ROUNDS, first: DOCUMENT });
const signal = new AbortController().signal;

let dir: string;
let first: { path: string; outcome: RunOutcome; events: RunEvent[] };
let second: { path: string; outcome: RunOutcome; events: RunEvent[] };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-limits-'));
  // Two runs with the same seed, side by side (their fsyncs overlap on a busy disk).
  [first, second] = await Promise.all([record('a.jsonl', 3), record('b.jsonl', 3)]);
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function record(name: string, seed: number): Promise<{ path: string; outcome: RunOutcome; events: RunEvent[] }> {
  const path = join(dir, name);
  const run = await LocalRun.open({ squad: squadOf(SQUAD, 'big.squad.yaml'), text: SQUAD, path: 'big.squad.yaml', profile: 'local', seed, tenant: 'default', workspace: dir, journalPath: path });
  const outcome = await run.execute({ signal });
  await run.close();
  return { path, outcome, events: (await readJournalFile(path)).events };
}

const lines = async (path: string): Promise<string[]> => (await readFile(path, 'utf8')).split('\n');

describe('journal limits on a real run', () => {
  it('stores the big document by reference, warns at 10,000 events, and shows the warning in the summary', async () => {
    const { events, outcome, path } = first;
    expect(outcome.status).toBe('completed');
    expect(events.length).toBeGreaterThan(JOURNAL_LIMITS.events + 1);
    const limits = events.filter((e): e is RunEventOf<'journal.limit'> => e.type === 'journal.limit');
    expect(limits).toHaveLength(1);
    expect(limits[0]).toMatchObject({ seq: JOURNAL_LIMITS.events + 1, limit: 'events', threshold: JOURNAL_LIMITS.events, events: JOURNAL_LIMITS.events });

    // The file holds references; the reader gives the document back in full.
    const stored = (await lines(path)).filter((l) => l.includes('"$blobs"'));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((l) => Buffer.byteLength(l) < JOURNAL_LIMITS.payloadBytes)).toBe(true);
    const sent = events.find((e): e is RunEventOf<'message.sent'> => e.type === 'message.sent' && e.content === DOCUMENT);
    expect(sent).toBeDefined();
    expect(await readdir(join(dir, 'blobs'))).not.toEqual([]);
    // The bytes of the warning are the journal's JSONL size with payloads in full.
    const full = events.slice(0, JOURNAL_LIMITS.events).reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)) + 1, 0);
    expect(limits[0]!.bytes).toBe(full);
    expect((await stat(path)).size).toBeLessThan(events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)) + 1, 0));

    const summary = runSummary(outcome, { journal: 'a.jsonl', profile: 'local', seed: 3, tenant: 'default', wallMs: 1 });
    expect(summary.journalLimits).toEqual([{ seq: JOURNAL_LIMITS.events + 1, limit: 'events', threshold: JOURNAL_LIMITS.events, events: JOURNAL_LIMITS.events, bytes: full }]);
    const text = report(summary, 'big-loop', 'big.squad.yaml', paintFor({ isTTY: false }, {}));
    expect(text).toContain(`⚠ ${journalLimitMessage(summary.journalLimits[0]!)}`);
    expect(text).toContain('journal limit: the journal reached 10000 events at event 10000');
  });

  it('is deterministic: the same seed gives a byte-identical journal referencing the same blobs', async () => {
    expect((await readFile(second.path)).equals(await readFile(first.path))).toBe(true);
  });

  it('replays with zero divergences', { timeout: 60_000 }, async () => {
    const replay = await replayRun({ events: first.events, signal });
    expect(replay.divergence).toBeNull();
    expect(replay.events).toBe(first.events.length);
  });

  it('replays a journal written before journal limits existed (past 10,000 events, no warning) with zero divergences', { timeout: 60_000 }, async () => {
    const at = first.events.findIndex((e) => e.type === 'journal.limit');
    const old = [...first.events.slice(0, at), ...first.events.slice(at + 1).map((e) => ({ ...e, seq: e.seq - 1 }))];
    const replay = await replayRun({ events: old, signal });
    expect(replay.divergence).toBeNull();
    expect(replay.events).toBe(old.length);
  });

  it('resumes a run cut before the limit and before the document into the same bytes as the uninterrupted run', { timeout: 300_000 }, async () => {
    const original = await lines(first.path);
    for (const keep of [3, 6000]) {
      const path = join(dir, `cut-${keep}.jsonl`);
      await copyFile(first.path, path);
      const bytes = original.slice(0, keep).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
      await truncate(path, bytes + 7); // and a torn line
      const read = await readJournalFile(path);
      expect(read.events).toHaveLength(keep);
      expect(read.torn).not.toBeNull();
      const writer = await FileJournalWriter.resume(path, bytes);
      const { outcome } = await continueRun({ events: read.events, upToSeq: keep, journal: writer, fork: null, signal });
      await writer.close();
      expect(outcome.status).toBe('completed');
      expect({ keep, same: (await readFile(path)).equals(await readFile(first.path)) }).toEqual({ keep, same: true });
    }
  });

  it('forks a run with a referenced payload: the fork shares the first k events and references the same blob', { timeout: 300_000 }, async () => {
    const k = 40;
    const forkPath = join(dir, 'fork.jsonl');
    const writer = await FileJournalWriter.create(forkPath);
    const { divergence } = await continueRun({ events: first.events, upToSeq: k, journal: writer, fork: { runId: 'fork-40', parentJournal: first.path }, signal });
    await writer.close();
    expect(divergence).toBeNull();
    const forked = (await readJournalFile(forkPath)).events;
    expect(forked.slice(0, k).map((e) => JSON.stringify({ ...e, runId: '' }))).toEqual(first.events.slice(0, k).map((e) => JSON.stringify({ ...e, runId: '' })));
    expect(forked[k]).toMatchObject({ type: 'run.forked', atSeq: k });
    expect((await lines(forkPath)).some((l) => l.includes('"$blobs"'))).toBe(true);
    expect(forked.some((e) => e.type === 'message.sent' && e.content === DOCUMENT)).toBe(true);
  });
});
