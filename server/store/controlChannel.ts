/** What a person asks of a run through the API. */
export type ControlCommand = 'pause' | 'resume' | 'step' | 'cancel';

export const CONTROL_COMMANDS: readonly ControlCommand[] = ['pause', 'resume', 'step', 'cancel'];

/**
 * Port: pause, resume, step and cancel from any API server to whichever process holds the run.
 * The holder subscribes while it runs the run; a command sent while no one holds it is lost (the
 * API checks the run's state first, and a queued run is cancelled in the queue instead).
 * Adapters: in-process and PostgreSQL (LISTEN/NOTIFY); both pass `controlChannelConformance`.
 */
export interface ControlChannel {
  send(runId: string, command: ControlCommand): Promise<void>;
  /** Calls `handler` with each command sent for `runId` until the returned function is called; resolves once listening. */
  subscribe(runId: string, handler: (command: ControlCommand) => void): Promise<() => void>;
  close(): Promise<void>;
}
