import type { HeldAt } from '../../protocol/api/runInfo';
import type { Trip } from '../engine/guardrails/guardrail';
import type { Checkpoint, RunControl } from '../engine/runControl';

/**
 * Pause, resume and step for one run, on the engine's checkpoints (before each turn, model call,
 * tool call and message), and where a guardrail whose action is `pause` trips (`pause(trip)`, the
 * engine's hook). While held, the engine does nothing and its virtual time stands still.
 *
 * - `hold()`: hold at the next checkpoint.
 * - `resume()`: let the run go on.
 * - `step()`: let the held checkpoint's action happen, then hold at the next one (on a run that
 *   is not held yet, it holds at the next checkpoint, like `hold`).
 *
 * A held checkpoint rejects with the signal's reason when the run is aborted, so cancel works on a
 * paused run.
 */
export class PauseControl implements RunControl {
  private paused: boolean;
  private waiter: { at: HeldAt; release: () => void } | null = null;
  private heldListeners: (() => void)[] = [];

  constructor(
    private readonly signal: AbortSignal,
    options: { paused?: boolean; onHeld?: (at: HeldAt | null) => void } = {},
  ) {
    this.paused = options.paused ?? false;
    this.onHeld = options.onHeld ?? (() => {});
  }

  private readonly onHeld: (at: HeldAt | null) => void;

  get isPaused(): boolean {
    return this.paused;
  }

  /** The checkpoint the run is held at, or null while it runs (or is on its way to one). */
  get heldAt(): HeldAt | null {
    return this.waiter?.at ?? null;
  }

  hold(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.release();
  }

  step(): void {
    this.paused = true;
    this.release();
  }

  /** Resolves once the run is held at a checkpoint (at once if it is). */
  whenHeld(): Promise<void> {
    if (this.waiter) return Promise.resolve();
    return new Promise((resolve) => this.heldListeners.push(resolve));
  }

  checkpoint(point: Checkpoint): Promise<void> | void {
    if (!this.paused) return;
    return this.wait(heldAt(point));
  }

  /** A guardrail asked for a pause: hold here until a person resumes, steps or cancels. */
  pause(trip: Trip): Promise<void> {
    this.paused = true;
    return this.wait({ kind: 'guardrail', agent: trip.agent ?? '', turn: 0, detail: `${trip.kind}: ${trip.message}` });
  }

  private wait(at: HeldAt): Promise<void> {
    this.signal.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiter = null;
        reject(this.signal.reason);
      };
      this.signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        at,
        release: () => {
          this.signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.onHeld(at);
      const listeners = this.heldListeners;
      this.heldListeners = [];
      for (const l of listeners) l();
    });
  }

  private release(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = null;
    this.onHeld(null);
    waiter.release();
  }
}

function heldAt(p: Checkpoint): HeldAt {
  const detail = p.kind === 'model' ? `call ${p.call}` : p.kind === 'tool' ? `${p.tool} (${p.callId})` : p.kind === 'message' ? `${p.messageKind} to ${p.to}` : null;
  return { kind: p.kind, agent: p.agent, turn: p.turn, detail };
}
