import type { RunEvent } from '../../protocol/runEvent';
import type { SquadFile } from '../../protocol/squadFile';
import type { Checkpoint } from '../../server/engine/runControl';

/** What a driver calls while it plays a run: the debugger's hooks. */
export interface RunDriverHooks {
  signal: AbortSignal;
  onEvent(event: RunEvent): void;
  checkpoint(point: Checkpoint): Promise<void> | void;
  /** A guardrail with action `pause` tripped (its event has just been passed to `onEvent`). */
  guardrailPause(agent: string | null): Promise<void>;
}

/**
 * A run the debugger can step through: a live run of the engine, or a saved journal played back.
 * Both call the same hooks at the same points, so the session does not know which it drives.
 */
export interface RunDriver {
  readonly squad: SquadFile;
  /** The squad file as the run saw it (path on disk when it is there and unchanged). */
  readonly source: { path: string; text: string; onDisk: boolean };
  readonly budgetUsd: number;
  readonly replay: boolean;
  /** Plays the run to its end; rejects with the signal's reason when aborted. */
  play(hooks: RunDriverHooks): Promise<{ status: string; reason: string | null; journal: string | null }>;
}
