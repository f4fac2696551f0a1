import type { ReplicaConnection, ReplicaConnector } from './replicaConnection';

/**
 * One replica of a tool server: its live connection (if any) and its state on the run's time line.
 *
 * Load is modelled on the run's clock, not the wall clock: each call occupies one of `concurrency`
 * slots from its start to its end (in run time), so a replica's queue and its outstanding calls at
 * time t are facts of the time line, the same on every machine. Under the virtual clock this is
 * what makes an "unscaled MCP server" queue without anyone sleeping.
 */
export class Replica {
  connection: ReplicaConnection | null = null;
  /** Serving calls. A replica that is not up waits for `restartAtMs`. */
  up = false;
  restartAtMs = 0;
  /** Successful restarts so far. */
  restarts = 0;
  /** Failures since the last success: the restart backoff grows with it. */
  failures = 0;
  /** False until the replica serves its first call after (re)starting: that call pays the cold start. */
  warm = false;
  /** Real requests in flight: a connection lost under one is that call's to report, with its timing. */
  inFlight = 0;
  /** Run-time ends of the calls holding a slot. */
  private ends: number[] = [];

  constructor(
    /** "bureau#1" */
    readonly name: string,
    readonly connector: ReplicaConnector,
    readonly concurrency: number,
  ) {}

  /** Calls holding or waiting for a slot at time t. */
  outstandingAt(t: number): number {
    let n = 0;
    for (const end of this.ends) if (end > t) n += 1;
    return n;
  }

  /** When a call arriving at t gets a slot: t, or when enough earlier calls have ended. */
  slotStartAt(t: number): number {
    const active = this.ends.filter((end) => end > t).sort((a, b) => a - b);
    if (active.length < this.concurrency) return t;
    return active[active.length - this.concurrency]!;
  }

  /** Holds a slot until `end`. */
  occupy(end: number): void {
    this.ends.push(end);
  }

  /** Forgets calls that ended by t (the engine's clock never goes back). */
  prune(t: number): void {
    if (this.ends.length > 0) this.ends = this.ends.filter((end) => end > t);
  }
}
