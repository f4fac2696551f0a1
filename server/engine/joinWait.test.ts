import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/runEvent';
import { fanInSquadYaml } from './testing/fanInSquad';
import { runTestSquad } from './testSquad';

/** What each waiting agent waits on after every event, folded the way the dashboard folds it. */
function foldWaits(events: readonly RunEvent[]): Map<string, string[]> {
  const waits = new Map<string, string[]>();
  for (const e of events) {
    if (e.type === 'agent.waiting' && e.agent) waits.set(e.agent, [...e.on]);
    if (e.type === 'agent.wait.met' && e.agent)
      waits.set(
        e.agent,
        (waits.get(e.agent) ?? []).filter((n) => !e.met.includes(n)),
      );
    if (e.type === 'agent.turn.started' && e.agent) waits.delete(e.agent);
  }
  return waits;
}

describe('join waits in the journal', () => {
  it('journal the wait once with its full set, then each arrival alone: O(K) bytes per round', async () => {
    const k = 40;
    const rounds = 3;
    const run = await runTestSquad(fanInSquadYaml(k, rounds));
    expect(run.outcome.status).toBe('completed');
    const waits = run.of('agent.waiting').filter((e) => e.agent === 'planner');
    // One full wait per joining round, built when the first result arrives: every other worker.
    expect(waits).toHaveLength(rounds);
    for (const w of waits) expect(w.on).toHaveLength(k - 1);
    // Then one arrival per worker but the first (met before the wait) and the last (it starts the
    // turn), counting down.
    const mets = run.of('agent.wait.met');
    expect(mets).toHaveLength(rounds * (k - 2));
    expect(mets.slice(0, k - 2).map((m) => m.missing)).toEqual(Array.from({ length: k - 2 }, (_, i) => k - 2 - i));
    for (const m of mets) expect(m.met).toEqual([m.from]);
    // Nothing is lost: at every arrival the fold gives exactly the workers whose result is still out.
    const senders = new Map(run.of('message.sent').map((m) => [m.messageId, m.from]));
    const delivered = new Set<string>();
    for (let i = 0; i < run.events.length; i++) {
      const e = run.events[i]!;
      if (e.type === 'agent.turn.started' && e.agent === 'planner') delivered.clear();
      const from = e.type === 'message.delivered' && e.to === 'planner' ? senders.get(e.messageId) : null;
      if (from) delivered.add(from);
      if (e.type !== 'agent.wait.met') continue;
      const still = foldWaits(run.events.slice(0, i + 1)).get('planner');
      expect(still).toHaveLength(e.missing);
      expect(still!.filter((name) => delivered.has(name))).toEqual([]);
      expect(still!.length + delivered.size).toBe(k);
    }
  });

  it('grows the wait events linearly in K (doubling K about doubles their bytes)', async () => {
    const bytes = async (k: number): Promise<number> => {
      const run = await runTestSquad(fanInSquadYaml(k, 2));
      expect(run.outcome.status).toBe('completed');
      return run.events.filter((e) => e.type === 'agent.waiting' || e.type === 'agent.wait.met').reduce((n, e) => n + JSON.stringify(e).length, 0);
    };
    const small = await bytes(30);
    const large = await bytes(120);
    // Listing every missing agent at each arrival would grow 16× from K = 30 to 120; one line each grows 4×.
    expect(large / small).toBeLessThan(5);
    expect(large / small).toBeGreaterThan(3);
  });
});
