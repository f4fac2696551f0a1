import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/runEvent';
import { MemoryJournalWriter } from '../store/memoryJournalWriter';
import { readJournalFile } from '../store/readJournal';
import { LocalRun } from '../runner/localRun';
import { continueRun, replayRun, squadOf } from './reRun';

const ROOT = resolve(__dirname, '../..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function record(file: string, profile: string, seed: number): Promise<RunEvent[]> {
  const text = await readFile(join(ROOT, file), 'utf8');
  const run = await LocalRun.open({ squad: squadOf(text, file), text, path: file, profile, seed, tenant: 'default', workspace: dir });
  await run.execute({ signal: new AbortController().signal });
  await run.close();
  return (await readJournalFile(run.journalPath)).events;
}

const signal = new AbortController().signal;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

describe('replay', () => {
  it('replays every sample and gallery run with zero divergences, calling no model', async () => {
    const gallery = (await readdir(join(ROOT, 'samples/failure-modes'))).filter((f) => f.endsWith('.squad.yaml'));
    const runs = [
      ['samples/credit-memo/credit-memo.squad.yaml', 'local'],
      ['samples/credit-memo/credit-memo.squad.yaml', 'production'],
      ...gallery.map((f) => [`samples/failure-modes/${f}`, f.startsWith('environment-gap') ? 'production' : 'local']),
    ];
    for (const [file, profile] of runs) {
      const events = await record(file!, profile!, 3);
      const replay = await replayRun({ events, signal });
      expect({ file, profile, divergence: replay.divergence }).toEqual({ file, profile, divergence: null });
      expect(replay.events).toBe(events.length);
    }
  });

  it('reports the first divergent event when the squad file was edited (a changed prompt)', async () => {
    const file = 'samples/credit-memo/credit-memo.squad.yaml';
    const events = await record(file, 'local', 3);
    const text = await readFile(join(ROOT, file), 'utf8');
    const edited = text.replace('You are the credit risk reviewer.', 'You are the credit risk reviewer of the bank, reporting to the CRO.');
    expect(edited).not.toBe(text);
    const replay = await replayRun({ events, edited: { text: edited, path: file }, signal });
    const d = replay.divergence!;
    expect(d).not.toBeNull();
    // Everything up to the checker's first model call is the same; its prompt is not.
    const firstCheckerCall = events.find((e) => e.type === 'model.request' && e.agent === 'checker')!;
    expect(d.seq).toBe(firstCheckerCall.seq);
    expect(d.expected).toMatchObject({ type: 'model.request', agent: 'checker' });
    expect(d.fields).toEqual(['inputTokensEstimate']);
    // The unedited file replays clean.
    expect((await replayRun({ events, signal })).divergence).toBeNull();
  });
});

describe('fork', () => {
  it('shares exactly the first k events with its parent, marks the fork, and goes on live to the same end', async () => {
    const file = 'samples/credit-memo/credit-memo.squad.yaml';
    const parent = await record(file, 'local', 5);
    for (const k of [1, 17, Math.floor(parent.length / 2), parent.length - 1]) {
      const journal = new MemoryJournalWriter();
      const { outcome, divergence } = await continueRun({ events: parent, upToSeq: k, journal, fork: { runId: `fork-${k}`, parentJournal: 'parent.jsonl' }, signal });
      expect(divergence).toBeNull();
      const forked = journal.events;
      // Key order is the writer's, not data (the reader's schema orders keys its own way).
      const strip = (e: RunEvent): string => canonical({ ...e, runId: '' });
      const differing = (a: readonly RunEvent[], b: readonly RunEvent[]): number[] => a.flatMap((e, i) => (b[i] && strip(e) === strip(b[i]) ? [] : [e.seq]));
      expect({ k, differing: differing(forked.slice(0, k), parent) }).toEqual({ k, differing: [] });
      expect(forked[k]).toMatchObject({ type: 'run.forked', parentRunId: parent[0]!.runId, atSeq: k, edited: false, runId: `fork-${k}` });
      // Unedited and deterministic, the live part makes the same decisions the parent made.
      expect(outcome.result).toBe((parent.at(-1) as { result: string }).result);
      const after = forked.slice(k + 1).map((e) => ({ ...e, seq: e.seq - 1 }));
      expect({ k, length: after.length, differing: differing(after, parent.slice(k)) }).toEqual({ k, length: parent.length - k, differing: [] });
    }
  });

  it('runs an edited squad file from the fork point on', async () => {
    const file = 'samples/credit-memo/credit-memo.squad.yaml';
    const parent = await record(file, 'local', 5);
    const text = await readFile(join(ROOT, file), 'utf8');
    const edited = text.replace('Risk rating: 4 (acceptable).', 'Risk rating: 5 (watch).');
    const journal = new MemoryJournalWriter();
    const { outcome } = await continueRun({ events: parent, upToSeq: 10, journal, edited: { text: edited, path: file }, fork: { runId: 'fork-edit', parentJournal: 'p.jsonl' }, signal });
    expect(journal.events[10]).toMatchObject({ type: 'run.forked', edited: true });
    expect(outcome.result).toContain('Risk rating: 5 (watch).');
  });
});
