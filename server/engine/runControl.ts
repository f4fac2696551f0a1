import type { RunView, Trip } from './guardrails/guardrail';

/** A point where the engine can be held: before a turn, a model call, a tool call or a message. */
export type Checkpoint =
  | { kind: 'turn'; agent: string; turn: number }
  | { kind: 'model'; agent: string; turn: number; call: number }
  | { kind: 'tool'; agent: string; turn: number; tool: string; callId: string }
  | { kind: 'message'; agent: string; turn: number; to: string; messageKind: 'handoff' | 'question' | 'answer' | 'result' };

/**
 * Port: lets someone outside the engine hold a run at its checkpoints: the server's pause, resume and
 * step, the debugger's breakpoints. The engine awaits `checkpoint` and goes on when it resolves; it
 * rejects (with the run's abort reason) to stop. Virtual time does not move while a run is held.
 */
export interface RunControl {
  checkpoint(point: Checkpoint, view: RunView): Promise<void> | void;
  /**
   * A guardrail whose action is `pause` tripped: resolve to go on (a person looked at it), reject to
   * stop. Without it, `pause` halts the run: there is no one to resume it.
   */
  pause?(trip: Trip, view: RunView): Promise<void>;
}
