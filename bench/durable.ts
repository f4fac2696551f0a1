import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../protocol/runEvent';
import { parseSquadFile } from '../protocol/parseSquadFile';
import { VirtualClock } from '../server/engine/clock';
import { resolveProfile } from '../server/engine/runProfile';
import { runSquad } from '../server/engine/runSquad';
import { NO_TOOLS } from '../server/engine/toolHost';
import { SimulatedProvider } from '../server/providers/simulatedProvider';
import { replayRun } from '../server/replay/reRun';
import { sha256Hex as sha256 } from '../server/engine/sha256';
import { runRandoms } from '../server/runner/runRandoms';
import { FileJournalWriter } from '../server/store/fileJournalWriter';
import { MemoryJournalWriter } from '../server/store/memoryJournalWriter';
import { loopSquadYaml } from './ours';

export interface DurableAppends {
  events: number;
  producers: number;
  groupCommitPerSecond: number;
  fsyncPerEventPerSecond: number;
  groupCommitSyncs: number;
}

function event(i: number): RunEvent {
  return { runId: 'bench', seq: i + 1, t: i, agent: 'worker', spanId: `s${i}`, parentSpanId: null, type: 'message.delivered', messageId: `m${i}`, to: 'worker' };
}

/**
 * Durable appends per second: `producers` concurrent writers each append an event and wait until it
 * is on disk (as the engine does before a tool call's side effect), through the group-commit journal,
 * against the naive way, one write and one fdatasync per event. Bounded by `maxMs` per side.
 */
export async function benchDurableAppends(dir: string, producers = 32, perProducer = 200, maxMs = 5_000): Promise<DurableAppends> {
  const total = producers * perProducer;
  const groupPath = join(dir, 'group.jsonl');
  const writer = await FileJournalWriter.create(groupPath);
  let seq = 0;
  const deadline = performance.now() + maxMs;
  const startedGroup = performance.now();
  await Promise.all(
    Array.from({ length: producers }, async () => {
      for (let i = 0; i < perProducer && performance.now() < deadline; i++) {
        writer.append(event(seq++));
        await writer.flush();
      }
    }),
  );
  const groupMs = performance.now() - startedGroup;
  const groupEvents = seq;
  const syncs = writer.stats.syncs;
  await writer.close();

  const naivePath = join(dir, 'naive.jsonl');
  const handle = await open(naivePath, 'wx');
  let naive = 0;
  const naiveDeadline = performance.now() + maxMs;
  const startedNaive = performance.now();
  for (; naive < total && performance.now() < naiveDeadline; naive++) {
    await handle.write(`${JSON.stringify(event(naive))}\n`);
    await handle.datasync();
  }
  const naiveMs = performance.now() - startedNaive;
  await handle.close();
  await rm(groupPath, { force: true });
  await rm(naivePath, { force: true });
  return { events: groupEvents, producers, groupCommitPerSecond: (groupEvents / groupMs) * 1000, fsyncPerEventPerSecond: (naive / naiveMs) * 1000, groupCommitSyncs: syncs };
}

export interface ReplaySpeed {
  events: number;
  replayMs: number;
}

/** Replay speed: a run of about 10,000 events recorded, then replayed from its journal (target < 1 s). */
export async function benchReplaySpeed(rounds = 560): Promise<ReplaySpeed> {
  const text = loopSquadYaml(rounds);
  const parsed = parseSquadFile(text, 'bench-loop.squad.yaml');
  if (!parsed.ok) throw new Error('bench squad does not parse');
  const squad = parsed.squad;
  const profile = resolveProfile(squad, 'local');
  const randoms = runRandoms(1);
  const journal = new MemoryJournalWriter();
  const outcome = await runSquad({
    runId: 'bench-replay',
    squad,
    source: { path: 'bench-loop.squad.yaml', text, sha256: sha256(text) },
    profile,
    seed: 1,
    tenant: 'default',
    ports: { model: new SimulatedProvider(squad, profile, randoms.model), tools: NO_TOOLS, journal, clock: new VirtualClock(), random: randoms.engine },
    signal: new AbortController().signal,
  });
  if (outcome.status !== 'completed') throw new Error(`replay bench: the recorded run ${outcome.status}`);
  const events = journal.events;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const replay = await replayRun({ events, signal: new AbortController().signal });
    const ms = performance.now() - started;
    if (replay.divergence) throw new Error(`replay bench: diverged at seq ${replay.divergence.seq}`);
    best = Math.min(best, ms);
  }
  return { events: events.length, replayMs: best };
}
