import type { Clock } from './clock';
import { EventQueue } from './eventQueue';
import type { RunEnd } from './runEnd';

/** How a call the scheduler did not wait for came out. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** What a completed call becomes: a work item due `delayMs` after the call started. */
export interface Completion<W> {
  delayMs: number;
  item: W;
  /**
   * Taken before anything else due at the same time (a refusal that came at once, as if the step
   * that made the call had seen it). Only with `delayMs` 0 on the virtual clock.
   */
  first?: boolean;
}

/** What the loop asks of the run around each step. */
export interface StepHost<W> {
  /** The run's end, once a step decided it. */
  ended(): RunEnd | null;
  /** Takes one work item at the scheduler's `now`; a promise when it has to wait for something. */
  step(item: W): Promise<void> | void;
  /** After each step: pauses a trip asked for, journal backpressure; null when there is nothing to do. */
  afterStep(): Promise<void> | null;
  /** The run's deadline in run time, and what happens when work is due past it. */
  readonly deadlineMs: number;
  pastDeadline(deadlineMs: number): Promise<void>;
  /** Nothing is queued and nothing is in flight: the run's end. */
  quiet(): Promise<RunEnd>;
  cancelled(): RunEnd;
}

/**
 * The run's discrete-event scheduler: a queue of work ordered by (run time, order), the clock, and
 * the calls in flight. It never waits for a model or tool call inside a step: `start` hands the
 * call's promise to the scheduler, and its outcome becomes a work item.
 *
 * - Virtual clock: an answer is due at the call's start plus the latency it reports, in the queue
 *   slot reserved when it started, so a simulated run is a pure function of its inputs. Before each
 *   step the loop lets every call in flight settle (a simulated one settles at once), since its
 *   answer may be due before the next queued item.
 * - System clock: calls of different agents are in flight together. An answer is due when it
 *   arrived (whole ms, after every step already taken), still in its reserved slot, and its latency
 *   is journaled as that time minus the start: on replay (virtual clock, recorded answers) every
 *   answer falls due at the same time and in the same order, so the run is reproduced exactly.
 */
export class Scheduler<W> {
  private readonly queue = new EventQueue<W>();
  private readonly pending = new Set<Promise<void>>();
  private wake: (() => void) | null = null;
  private done = false;
  now = 0;

  constructor(
    private readonly clock: Clock,
    /** Aborted when the run is cancelled or over: an answer that comes after is abandoned. */
    private readonly signal: AbortSignal,
  ) {}

  get virtual(): boolean {
    return this.clock.kind === 'virtual';
  }

  /** Calls in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  push(t: number, item: W): void {
    this.queue.push(t, item);
  }

  /**
   * Starts tracking a call that was just made. `complete` gets its outcome and, on the system clock,
   * the latency measured on the run clock (null on the virtual clock: the outcome says its own), and
   * returns the work item that carries it, or null to drop it. An outcome that arrives after the run
   * ended goes to `abandoned` instead (a halted stream's usage is still billed).
   */
  start<T>(call: Promise<T>, complete: (outcome: Settled<T>, measuredMs: number | null) => Completion<W> | null, abandoned?: (outcome: Settled<T>) => void): void {
    const startedAt = this.now;
    const order = this.queue.reserve();
    const settle = (outcome: Settled<T>): void => {
      this.pending.delete(tracked);
      if (this.done || this.signal.aborted) {
        abandoned?.(outcome);
        return;
      }
      const measured = this.virtual ? null : Math.max(Math.ceil(this.clock.now()), this.now + 1) - startedAt;
      const completion = complete(outcome, measured);
      if (completion) this.queue.pushAt(startedAt + completion.delayMs, completion.first ? -1 : order, completion.item);
      this.wake?.();
    };
    const tracked = call.then(
      (value) => settle({ ok: true, value }),
      (error: unknown) => settle({ ok: false, error }),
    );
    this.pending.add(tracked);
  }

  /** Runs work until a step ends the run or nothing is left. */
  async run(host: StepHost<W>): Promise<RunEnd> {
    try {
      for (;;) {
        const end = host.ended();
        if (end) return end;
        if (this.signal.aborted) return host.cancelled();
        if (this.virtual && this.pending.size > 0) {
          await this.settled();
          // A cancel while the calls settled abandons their answers: the squad is not quiet, it was stopped.
          if (this.signal.aborted) return host.cancelled();
        }
        const t = this.queue.peekTime();
        if (t === undefined) {
          if (this.pending.size === 0) return await host.quiet();
          await this.waitFor(host.deadlineMs + 1);
          if (this.clock.now() > host.deadlineMs && this.queue.peekTime() === undefined) await host.pastDeadline(host.deadlineMs);
          continue;
        }
        if (t > host.deadlineMs) {
          await host.pastDeadline(host.deadlineMs);
          continue;
        }
        if (!this.virtual && t > this.clock.now() && this.pending.size > 0) {
          // An answer may arrive before the next item is due: whichever comes first goes first.
          await this.waitFor(t);
          continue;
        }
        // The virtual clock moves at once: its promise is not awaited (a microtask per step saved).
        if (this.virtual) void this.clock.advanceTo(t, this.signal);
        else await this.clock.advanceTo(t, this.signal);
        const next = this.queue.pop()!;
        this.now = next.t;
        const stepping = host.step(next.item);
        if (stepping) await stepping;
        const after = host.afterStep();
        if (after) await after;
      }
    } catch (error) {
      if (this.signal.aborted) return host.cancelled();
      throw error;
    }
  }

  /**
   * On the virtual clock: resolves once every call in flight has settled (their answers queued).
   * A tool host that models its own load on the virtual time line (the MCP pool's replicas: who is
   * busy until when) needs the calls before this one settled to place it, as a virtual run has
   * all the time in the world; virtual time does not move meanwhile, so nothing observable changes.
   * On the system clock it resolves at once: calls overlap for real.
   */
  async settled(): Promise<void> {
    if (!this.virtual) return;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Marks the loop over and lets the calls still in flight settle (they were aborted). */
  async close(): Promise<void> {
    this.done = true;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Sets the run time to `t` (the deadline) without a step. */
  jumpTo(t: number): void {
    this.now = t;
  }

  /** Waits until the clock reads `t` or a call's answer arrives, whichever is first. */
  private async waitFor(t: number): Promise<void> {
    const sleep = new AbortController();
    const signal = AbortSignal.any([this.signal, sleep.signal]);
    const arrived = new Promise<void>((resolve) => (this.wake = resolve));
    try {
      await Promise.race([this.clock.advanceTo(t, signal).catch(() => undefined), arrived]);
    } finally {
      this.wake = null;
      sleep.abort();
    }
    this.signal.throwIfAborted();
  }
}
