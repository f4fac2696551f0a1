import type { HeldAt } from '../../protocol/api/runInfo';
import type { ControlSetup, RunControls } from './runExecution';

/** How a command reaches the run thread: `n` numbers it (see `RemoteControl`). */
export type SendControl = (command: 'hold' | 'resume' | 'step', n: number) => void;

/**
 * Pause, resume and step of a run whose engine executes on a run thread, seen from the HTTP thread.
 * Commands go to the thread's `PauseControl`; where the run is held comes back as `held` reports.
 *
 * Each command is numbered, and the thread says with each report how many it had applied, so a report
 * overtaken by a later command (held at a checkpoint just as a resume was sent) is ignored rather
 * than showing a run held that is about to go on. Before the run reaches a thread (queued), a command
 * only sets whether it starts paused.
 */
export class RemoteControl implements RunControls {
  private paused: boolean;
  private held: HeldAt | null = null;
  private sent = 0;
  private send: SendControl | null = null;
  private heldListeners: (() => void)[] = [];

  constructor(private readonly setup: ControlSetup) {
    this.paused = setup.paused;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get heldAt(): HeldAt | null {
    return this.held;
  }

  /** The run reached a thread: commands go there from now on. */
  attach(send: SendControl): void {
    this.send = send;
  }

  /** The run ended (or its thread died): nothing holds it any more. */
  detach(): void {
    this.send = null;
    this.setHeld(null);
  }

  hold(): void {
    this.paused = true;
    this.command('hold');
  }

  resume(): void {
    this.paused = false;
    this.setHeld(null);
    this.command('resume');
  }

  step(): void {
    this.paused = true;
    this.setHeld(null);
    this.command('step');
  }

  whenHeld(): Promise<void> {
    if (this.held) return Promise.resolve();
    return new Promise((resolve) => this.heldListeners.push(resolve));
  }

  /** A `held` report of the thread, which had applied commands up to `n`. */
  report(at: HeldAt | null, n: number): void {
    if (n < this.sent || !this.send) return;
    if (at) this.paused = true; // also a guardrail's pause, which the thread decided
    this.setHeld(at);
  }

  private command(command: 'hold' | 'resume' | 'step'): void {
    if (!this.send) return;
    this.sent += 1;
    this.send(command, this.sent);
  }

  private setHeld(at: HeldAt | null): void {
    if (at === null && this.held === null) return;
    this.held = at;
    this.setup.onHeld(at);
    if (!at) return;
    const listeners = this.heldListeners;
    this.heldListeners = [];
    for (const l of listeners) l();
  }
}
