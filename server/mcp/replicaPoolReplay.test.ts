import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import type { RunEvent } from '../../protocol/runEvent';
import { continueRun } from '../replay/reRun';
import { runLocal } from '../runner/runLocal';
import { MemoryJournalWriter } from '../store/memoryJournalWriter';
import { parseJournal } from '../store/readJournal';
import { flakyToolSquad } from './testing/flakyToolSquad';
import { BUREAU } from './testing/testSquads';

/**
 * A resumed run rebuilds its tool pools from the journal (`ReplicaPool.replay`): cut the journal of a
 * run on a lossy pool of real stdio MCP servers anywhere (mid-call, after a failover, while a
 * replica is down), resume it, and the whole journal is the uninterrupted run's, line for line.
 */
const SQUAD = flakyToolSquad({ name: 'flaky-bureau', rounds: 20, bureau: BUREAU });
let dir: string;
let path: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-pool-replay-'));
  path = join(dir, 'flaky.squad.yaml');
  await writeFile(path, SQUAD);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function uninterrupted(seed: number): Promise<string[]> {
  const parsed = parseSquadFile(SQUAD, path);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const journalPath = join(dir, `run-${seed}-${Math.random()}.jsonl`);
  await runLocal({ squad: parsed.squad, text: SQUAD, path, profile: 'flaky', seed, tenant: 'local', workspace: dir, journalPath, signal: new AbortController().signal });
  return (await readFile(journalPath, 'utf8')).trimEnd().split('\n');
}

async function resumedFrom(lines: readonly string[], cut: number): Promise<string[]> {
  const events: RunEvent[] = parseJournal(lines.slice(0, cut).join('\n') + '\n', 'cut.jsonl').events;
  const writer = new MemoryJournalWriter();
  await continueRun({ events, upToSeq: events.length, journal: writer, fork: null, signal: new AbortController().signal });
  return [...lines.slice(0, cut), ...writer.events.map((e) => JSON.stringify(e))];
}

describe('tool pool state on resume', () => {
  it('resumes from cuts all through a lossy run with journals identical to the uninterrupted run', { timeout: 600_000 }, async () => {
    const reference = await uninterrupted(7);
    const types = reference.map((l) => (JSON.parse(l) as { type: string }).type);
    // The run is worth cutting: replicas went down and came back, calls failed over.
    expect(types.filter((t) => t === 'tool.replica.down').length).toBeGreaterThan(2);
    expect(types.filter((t) => t === 'tool.replica.up').length).toBeGreaterThan(0);
    expect(types.filter((t) => t === 'tool.failover').length).toBeGreaterThan(0);
    expect(await uninterrupted(7)).toEqual(reference);

    // Cut right after each kind of pool event, and at evenly spread points.
    const cuts = new Set<number>();
    for (const kind of ['tool.call', 'tool.result', 'tool.replica.down', 'tool.replica.up', 'tool.failover']) {
      const at = types.indexOf(kind, Math.floor(types.length / 3));
      if (at >= 0) cuts.add(at + 1);
    }
    for (let k = 1; k <= 3; k++) cuts.add(Math.floor((types.length * k) / 4));
    let identical = 0;
    for (const cut of cuts) {
      const resumed = await resumedFrom(reference, cut);
      expect({ cut, firstDifference: firstDifference(resumed, reference) }).toEqual({ cut, firstDifference: null });
      identical += 1;
    }
    expect(identical).toBe(cuts.size);
  });
});

function firstDifference(a: readonly string[], b: readonly string[]): { line: number; got: string | undefined; want: string | undefined } | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return { line: i + 1, got: a[i], want: b[i] };
  return null;
}
