import type { SquadFile } from '../../protocol/squadFile';

/**
 * Joins are the scheduler's: a scripted agent's step may say `waitFor: [a, b]`, and its next turn
 * starts only once a message from each is in its mailbox. Which step comes next is a pure function of
 * the script and the model calls the agent (all its instances together, as they share the script)
 * has made, counted here as the simulated provider takes steps (`repeat` included). Agents on real
 * models never join.
 */
export class ScriptJoins {
  private readonly cursors = new Map<string, { step: number; used: number }>();

  constructor(private readonly squad: SquadFile) {}

  /** The agents (as declared) whose message `definition`'s next turn waits for. */
  next(definition: string): readonly string[] {
    const config = this.squad.agents[definition];
    if (!config || this.squad.models[config.model]?.provider !== 'simulated') return [];
    const cursor = this.cursors.get(definition);
    return config.script[cursor?.step ?? 0]?.waitFor ?? [];
  }

  /** `definition` made a model call: its script moves on as the simulated provider's does. */
  advance(definition: string): void {
    const step = this.squad.agents[definition]?.script[this.cursors.get(definition)?.step ?? 0];
    if (!step) return;
    let cursor = this.cursors.get(definition);
    if (!cursor) this.cursors.set(definition, (cursor = { step: 0, used: 0 }));
    cursor.used += 1;
    if (step.repeat !== 'forever' && cursor.used >= step.repeat) {
      cursor.step += 1;
      cursor.used = 0;
    }
  }
}
