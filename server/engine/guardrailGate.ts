import type { RunEvent } from '../../protocol/runEvent';
import type { Guardrail, RunView, Trip } from './guardrails/guardrail';
import type { JournalEmitter } from './journalEmitter';
import type { Checkpoint, RunControl } from './runControl';
import { runEnd, type RunEnd } from './runEnd';

/**
 * A value now, or a promise of it when getting it had to wait (a pause, a run control). The engine's
 * hot path awaits only promises: `await` on a plain value still costs a microtask and a suspended
 * frame, several times per step.
 */
export type MaybePromise<T> = T | Promise<T>;

/** What the gate needs of the run. */
export interface GateHost {
  readonly view: RunView;
  readonly control: RunControl | undefined;
  readonly ended: boolean;
  end(end: RunEnd): void;
  /** The span of an agent's turn in progress, for a trip's parent. */
  spanOf(agent: string): string | null;
}

/**
 * The guardrails' gate: runs a hook of every guardrail at a named point, journals each trip as
 * `guardrail.tripped` and carries out its action. `warn` goes on; `block-edge` refuses the gated
 * step; `pause` holds the run until its control resumes it (a run nobody can resume halts);
 * `halt` ends the run (the end is a value on the run: the loop returns it after this step).
 */
export class GuardrailGate {
  /** The guardrails whose `afterEvent` wants each event type, built on the type's first event. */
  private readonly watchers = new Map<RunEvent['type'], Guardrail[]>();
  private readonly pendingPauses: Trip[] = [];

  constructor(
    readonly guardrails: readonly Guardrail[],
    private readonly emitter: JournalEmitter,
    private readonly host: GateHost,
  ) {}

  /**
   * Runs one hook of every guardrail; the trip that refused the gated step, if one did. Synchronous
   * unless a trip pauses the run: most gates trip nothing, and a step then makes no promise and
   * waits for none (callers await only a promise, see `MaybePromise`).
   */
  gate(hook: (g: Guardrail) => Trip | null | undefined): MaybePromise<Trip | null> {
    const { guardrails } = this;
    let blocking: Trip | null = null;
    for (let i = 0; i < guardrails.length; i++) {
      if (this.host.ended) return blocking;
      const trip = hook(guardrails[i]!);
      if (!trip) continue;
      const outcome = this.trip(trip);
      if (outcome instanceof Promise) return this.gateAfterPause(hook, i + 1, outcome, blocking);
      if (outcome === 'blocked') blocking ??= trip;
    }
    return blocking;
  }

  /** The rest of `gate` once a trip's pause is over: the guardrails from `next` on. */
  private async gateAfterPause(hook: (g: Guardrail) => Trip | null | undefined, next: number, paused: Promise<unknown>, blocking: Trip | null): Promise<Trip | null> {
    await paused;
    for (let i = next; i < this.guardrails.length; i++) {
      if (this.host.ended) return blocking;
      const trip = hook(this.guardrails[i]!);
      if (trip && (await this.trip(trip)) === 'blocked') blocking ??= trip;
    }
    return blocking;
  }

  /** The first guardrail's answer to a hook that one policy decides (truncation, rate limits, cascade). */
  first<T>(hook: (g: Guardrail) => T | null | undefined): T | null {
    for (const g of this.guardrails) {
      const answer = hook(g);
      if (answer) return answer;
    }
    return null;
  }

  /** Journals a trip and carries out its action; only a pause makes it wait. */
  trip(trip: Trip): MaybePromise<'continue' | 'blocked'> {
    this.record(trip);
    switch (trip.action) {
      case 'warn':
        return 'continue';
      case 'block-edge':
        return 'blocked';
      case 'pause':
        return this.pauseFor(trip).then(() => 'continue' as const);
      case 'halt':
        this.host.end(runEnd('halted', null, `${trip.kind}: ${trip.message}`));
        return 'blocked';
    }
  }

  /**
   * A guardrail's look at an event just journaled. A trip raised here has nothing left to block (the
   * event happened), so `block-edge` counts as `warn`; `halt` ends the run, and `pause` takes effect
   * once the current step is done.
   */
  afterEvent(event: RunEvent): void {
    let list = this.watchers.get(event.type);
    if (!list) {
      list = this.guardrails.filter((g) => g.afterEvent && (!g.watches || g.watches.includes(event.type)));
      this.watchers.set(event.type, list);
    }
    for (const g of list) {
      if (this.host.ended) return;
      const trip = g.afterEvent!(event, this.host.view);
      if (!trip) continue;
      const action = trip.action === 'block-edge' ? 'warn' : trip.action;
      this.record({ ...trip, action });
      if (action === 'halt') this.host.end(runEnd('halted', null, `${trip.kind}: ${trip.message}`));
      if (action === 'pause') this.pendingPauses.push(trip);
    }
  }

  get hasPauses(): boolean {
    return this.pendingPauses.length > 0;
  }

  /** Pauses asked for by trips raised on events of the step just done. */
  async afterStep(): Promise<void> {
    for (const trip of this.pendingPauses.splice(0)) {
      if (this.host.ended) return;
      await this.pauseFor(trip);
    }
  }

  /** Holds the run at `point` when a run control is attached; null (nothing to wait for) when none is. */
  checkpoint(point: Checkpoint): Promise<void> | null {
    if (!this.host.control || this.host.ended) return null;
    return Promise.resolve(this.host.control.checkpoint(point, this.host.view));
  }

  private async pauseFor(trip: Trip): Promise<void> {
    const { control } = this.host;
    if (!control?.pause) {
      this.host.end(runEnd('halted', null, `${trip.kind}: ${trip.message} (paused, and nothing can resume this run)`));
      return;
    }
    await control.pause(trip, this.host.view);
  }

  /** The trip's event, unwatched. */
  private record(trip: Trip): void {
    this.emitter.emitUnwatched({
      type: 'guardrail.tripped',
      t: this.host.view.now,
      agent: trip.agent,
      spanId: `guardrail/${this.emitter.lastSeq + 1}`,
      parentSpanId: trip.agent ? this.host.spanOf(trip.agent) : null,
      kind: trip.kind,
      action: trip.action,
      message: trip.message,
      evidence: trip.evidence,
    });
  }
}
