import { describe, expect, it } from 'vitest';
import { MemoryJournalWriter } from '../store/memoryJournalWriter';
import type { Checkpoint } from './runControl';
import { runTestSquad } from './testSquad';

const squad = `
version: 1
name: ctl
task: { entry: planner, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini } }
agents:
  planner: { role: planner, model: m, handoffs: [worker], script: [ { handoff: { to: worker, content: work } }, { finish: done } ] }
  worker: { role: worker, model: m, asks: [planner], script: [ { finish: result } ] }
`;

describe('RunControl', () => {
  it('is asked at every turn, model call and message, in order', async () => {
    const points: Checkpoint[] = [];
    const run = await runTestSquad(squad, { control: { checkpoint: (p) => void points.push(p) } });
    expect(run.outcome.status).toBe('completed');
    expect(points.map((p) => `${p.kind}:${p.agent}${p.kind === 'message' ? `→${p.to}(${p.messageKind})` : ''}`)).toEqual([
      'turn:planner',
      'model:planner',
      'message:planner→worker(handoff)',
      'turn:worker',
      'model:worker',
      'message:worker→planner(result)',
      'turn:planner',
      'model:planner',
    ]);
  });

  it('holds the run while a checkpoint is pending and goes on when it resolves', async () => {
    const journal = new MemoryJournalWriter();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const holding = new Promise<void>((resolve) => (reached = resolve));
    const running = runTestSquad(squad, {
      journal,
      control: {
        checkpoint: (p) => {
          if (p.kind === 'turn' && p.agent === 'worker') {
            reached();
            return held;
          }
        },
      },
    });
    await holding;
    const before = journal.events.length;
    expect(journal.events.some((e) => e.type === 'agent.turn.started' && e.agent === 'worker')).toBe(false);
    // A few turns of the event loop: an engine that were not held would have gone on by now (it
    // runs on the virtual clock, in promise jobs), so this waits on the loop, not on a duration.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(journal.events.length).toBe(before);
    release();
    expect((await running).outcome.status).toBe('completed');
  });
});
