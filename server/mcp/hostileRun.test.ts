import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent, RunEventOf } from '../../protocol/runEvent';
import { replayRun } from '../replay/reRun';
import { runSquadText } from '../runner/testing/runSquadText';
import { readJournalFile } from '../store/readJournal';

/**
 * A whole run against the hostile stdio server (see testing/hostileMcpServer.mjs): every bad answer
 * is a failed call the agent reads, the run ends, the journal on disk is whole, replays without a
 * divergence, and a second run of the same seed writes the same bytes.
 */
const HOSTILE = resolve(__dirname, 'testing/hostileMcpServer.mjs');
const SQUAD = `version: 1
name: hostile
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4.1-mini } }
# The agent goes on past each failed call (the default cascade policy halts at the first).
guardrails: { cascade: { policy: taint } }
toolServers:
  evil: { command: node, args: ["${HOSTILE}", ok], timeoutMs: 5000, deadlineMs: 8000, maxAttempts: 1 }
agents:
  a:
    role: worker
    model: m
    tools: [evil.*]
    script:
      - tool: { name: evil.deep, args: {} }
      - tool: { name: evil.unknown-type, args: {} }
      - tool: { name: evil.error-huge, args: {} }
      - tool: { name: evil.exponential, args: { x: abc } }
      - tool: { name: evil.redos, args: { s: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab } }
      - tool: { name: evil.huge, args: {} }
      - finish: survived
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const results = (events: RunEvent[]) => events.filter((e): e is RunEventOf<'tool.result'> => e.type === 'tool.result');

describe('a run against a hostile tool server', () => {
  it('completes with each bad answer a failed call, and its journal replays and repeats byte for byte', async () => {
    const { outcome, events } = await runSquadText(SQUAD, 'first', dir);
    expect(outcome.status).toBe('completed');
    expect(results(events).map((r) => [r.tool, r.ok, r.error ?? null])).toEqual([
      ['evil.deep', false, 'protocol'],
      ['evil.unknown-type', true, null],
      ['evil.error-huge', false, 'protocol'],
      ['evil.exponential', false, 'invalid-arguments'],
      ['evil.redos', true, null],
      ['evil.huge', false, 'unavailable'],
    ]);
    // Nothing the server chose is journaled whole: the longest line is the 2000-character cut.
    const text = await readFile(join(dir, 'first.jsonl'), 'utf8');
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThan(8000);

    const { events: onDisk } = await readJournalFile(join(dir, 'first.jsonl'));
    expect(onDisk).toHaveLength(events.length);
    const replay = await replayRun({ events: onDisk, signal: new AbortController().signal });
    expect(replay.divergence).toBeNull();

    await runSquadText(SQUAD, 'second', dir);
    const second = await readFile(join(dir, 'second.jsonl'), 'utf8');
    const stable = (journal: string) => journal.replace(/"runId":"[^"]*"/g, '').replace(/"path":"[^"]*"/g, '');
    expect(stable(second)).toBe(stable(text));
  });
});
