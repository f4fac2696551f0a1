import type { GuardrailKind, RunEventOf } from '../../protocol/runEvent';
import type { Checkpoint } from '../../server/engine/runControl';
import type { DebugRunState } from './debugRunState';
import { evaluateRunExpression } from './runExpression';
import { runScope } from './runScope';
import type { BreakTarget } from './squadLocations';

export interface SquadBreakpoint {
  id: number;
  target: BreakTarget;
  condition: string | null;
}

/** Why the run is held, as the debug session reports it. */
export interface Stop {
  reason: 'entry' | 'breakpoint' | 'step' | 'pause' | 'exception';
  /** The agent (thread) the stop belongs to; null when the run has ended. */
  agent: string | null;
  point: Checkpoint | null;
  breakpointIds: number[];
  trip: RunEventOf<'guardrail.tripped'> | null;
  /** A condition that failed to evaluate: the stop says so rather than guessing. */
  conditionError: string | null;
}

type Mode = 'run' | 'turn' | 'any' | 'pause';

/**
 * The stepping logic of the debugger, apart from the protocol: the engine's `RunControl` (live) and
 * the journal player (replay) call `checkpoint` before each turn, model call, tool call and message;
 * this decides whether to hold there and for how long. Breakpoints, steps, pause requests and
 * guardrail "exceptions" all end in one place: `hold`, which tells the session and waits for it.
 *
 * - step over (`turn`): hold at the next turn of any agent: one turn of the run.
 * - step into (`any`): hold at the next checkpoint of any kind: into a model or tool call.
 * - a trip of an enabled guardrail kind holds at the next checkpoint (or at the end, for a halt).
 */
/** What the user set: read at every checkpoint, so changes made while the run goes on apply at once. */
export interface DebugSettings {
  breakpoints(): readonly SquadBreakpoint[];
  exceptionKinds(): ReadonlySet<GuardrailKind>;
}

export class DebugController {
  private mode: Mode;
  private pendingTrip: RunEventOf<'guardrail.tripped'> | null = null;
  private release: (() => void) | null = null;
  private current: Stop | null = null;

  constructor(
    private readonly state: DebugRunState,
    private readonly settings: DebugSettings,
    private readonly signal: AbortSignal,
    private readonly onStop: (stop: Stop) => void,
    options: { stopOnEntry: boolean },
  ) {
    this.mode = options.stopOnEntry ? 'any' : 'run';
    this.entry = options.stopOnEntry;
  }

  private entry: boolean;

  get stopped(): Stop | null {
    return this.current;
  }

  /** Sees every event as it is journaled: a trip of an enabled kind holds the run at the next point. */
  observe(event: RunEventOf<'guardrail.tripped'>): void {
    if (this.settings.exceptionKinds().has(event.kind)) this.pendingTrip = event;
  }

  continue(): void {
    this.resume('run');
  }

  stepOver(): void {
    this.resume('turn');
  }

  stepIn(): void {
    this.resume('any');
  }

  /** Holds at the next checkpoint; a run already held stays held. */
  pause(): void {
    if (!this.current) this.mode = 'pause';
  }

  checkpoint(point: Checkpoint): Promise<void> | void {
    const stop = this.decide(point);
    return stop ? this.hold(stop) : undefined;
  }

  /** A guardrail whose action is `pause` tripped: always hold, like an uncaught exception. */
  guardrailPause(trip: RunEventOf<'guardrail.tripped'> | null, agent: string | null): Promise<void> {
    this.pendingTrip = null;
    return this.hold({ reason: 'exception', agent, point: null, breakpointIds: [], trip, conditionError: null });
  }

  /**
   * The run ended. When it ended on a trip the user asked to break on (a `halt`), hold once more so
   * the evidence can be read before the session ends.
   */
  finished(): Promise<void> | void {
    const trip = this.pendingTrip;
    if (!trip) return;
    this.pendingTrip = null;
    return this.hold({ reason: 'exception', agent: trip.agent, point: null, breakpointIds: [], trip, conditionError: null });
  }

  private decide(point: Checkpoint): Stop | null {
    const base = { agent: point.agent, point, breakpointIds: [] as number[], trip: null, conditionError: null };
    if (this.pendingTrip) {
      const trip = this.pendingTrip;
      this.pendingTrip = null;
      return { ...base, reason: 'exception', trip };
    }
    if (this.entry) {
      this.entry = false;
      return { ...base, reason: 'entry' };
    }
    if (this.mode === 'pause') return { ...base, reason: 'pause' };
    const hits: number[] = [];
    let conditionError: string | null = null;
    for (const bp of this.settings.breakpoints()) {
      if (!matches(bp.target, point, this.state)) continue;
      if (bp.condition) {
        try {
          if (!evaluateRunExpression(bp.condition, runScope(this.state, point.agent))) continue;
        } catch (error) {
          conditionError = `breakpoint condition "${bp.condition}": ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      hits.push(bp.id);
    }
    if (hits.length) return { ...base, reason: 'breakpoint', breakpointIds: hits, conditionError };
    if (this.mode === 'any' || (this.mode === 'turn' && point.kind === 'turn')) return { ...base, reason: 'step' };
    return null;
  }

  private hold(stop: Stop): Promise<void> {
    this.signal.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.current = null;
        this.release = null;
        reject(this.signal.reason);
      };
      this.signal.addEventListener('abort', onAbort, { once: true });
      this.current = stop;
      this.release = () => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.onStop(stop);
    });
  }

  private resume(mode: Mode): void {
    this.mode = mode;
    const release = this.release;
    this.release = null;
    this.current = null;
    release?.();
  }
}

/** Does a breakpoint's target hold at this checkpoint? */
function matches(target: BreakTarget, point: Checkpoint, state: DebugRunState): boolean {
  if (target.agent !== point.agent) return false;
  if (target.kind === 'turn') return point.kind === 'turn';
  if (point.kind !== 'message' || point.messageKind !== 'handoff') return false;
  if (target.to !== null && target.to !== point.to) return false;
  // A simulated agent answers with its script's steps in order: the step that produced this
  // hand-off is the one its latest model response took. Real models have no script: any hand-off
  // of this agent to `to` matches.
  const script = state.squad.agents[point.agent]?.script ?? [];
  if (script.length === 0) return true;
  return stepOfTake(script, state.agents.get(point.agent)?.modelTakes ?? 0) === target.step;
}

/** The script step that answered the `take`-th model call (1-based), honouring `repeat`. */
export function stepOfTake(script: readonly { repeat: number | 'forever' }[], take: number): number {
  let left = take;
  for (let step = 0; step < script.length; step++) {
    const repeat = script[step]?.repeat ?? 1;
    if (repeat === 'forever' || left <= repeat) return step;
    left -= repeat;
  }
  return script.length - 1;
}
