import type { Mark, RunStatus } from '../../protocol/runEvent';

/**
 * How a run ended: a value. The step that decides it (a finish, a halting trip, a fatal failure)
 * records it on the run, the scheduler's loop returns it, and `runSquad` journals it as
 * `run.completed`. Nothing is thrown: after the end is decided nothing more is journaled or called.
 */
export interface RunEnd {
  status: RunStatus;
  result: string | null;
  reason: string | null;
  marks: Mark[];
}

export function runEnd(status: RunStatus, result: string | null, reason: string | null, marks: Mark[] = []): RunEnd {
  return { status, result, reason, marks };
}
