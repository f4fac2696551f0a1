import type { HeldAt } from '../../protocol/api/runInfo';
import type { RunEvent, RunStatus } from '../../protocol/runEvent';
import type { RunProfile } from '../engine/runProfile';
import type { RunStarted } from '../replay/reRun';
import type { TenantLimiter } from '../tenants/tenantLimiter';

/**
 * Pause, resume and step as the run manager sees them: `PauseControl` when the engine runs on this
 * thread, `RemoteControl` when it runs on a run thread (where the held checkpoint is learnt from
 * its messages). `hold` takes effect at the run's next checkpoint; `heldAt` is where it is held.
 */
export interface RunControls {
  readonly isPaused: boolean;
  readonly heldAt: HeldAt | null;
  hold(): void;
  resume(): void;
  step(): void;
  /** Resolves once the run is held at a checkpoint (at once if it is). */
  whenHeld(): Promise<void>;
}

/** What the run manager gives a run's controls when it makes them. */
export interface ControlSetup {
  signal: AbortSignal;
  paused: boolean;
  onHeld: (at: HeldAt | null) => void;
}

/** A tenant's rate limits as the run manager hands them to a run (the limiter lives on the HTTP thread). */
export interface RunRateLimits {
  limiter: TenantLimiter;
  /** Where the run starts on the tenant's time line (`TenantRegistry.elapsedMs`). */
  startedAtMs: number;
  onWait: (ms: number) => void;
  onRefused: () => void;
}

/** What the run manager adds to a run when it executes it. */
export interface RunHooks {
  /** Aborting it cancels the run (the engine journals why). */
  signal: AbortSignal;
  /** The tenant's grant: lowers the run's cost limit, never raises it. Not applied to a resumed run. */
  budgetUsd: number;
  /** Each event, in journal order, once it is in the journal's buffer. */
  onEvent: (event: RunEvent) => void;
  /** Not applied to a resumed run, whose recorded calls must replay exactly (see `ResumedRun`). */
  limits: RunRateLimits;
}

/**
 * One run as the run manager drives it, wherever its engine executes (this thread or a run thread,
 * see `RunHost`): its identity and journal, its controls, one execution, flushing and closing the
 * journal. A new run and a run resumed from the journal an earlier session left both are one.
 */
export interface RunExecution {
  readonly runId: string;
  /** The journal's file name without `.jsonl`: the run's id in the API. */
  readonly journalId: string;
  readonly journalPath: string;
  readonly profile: RunProfile;
  readonly seed: number;
  readonly control: RunControls;
  /** A resumed run: the seq its earlier session's journal ended at (those events are replayed to `onEvent`). */
  readonly resumedAfterSeq?: number;
  /** Runs the engine to the run's end; call at most once. Leaves the journal open (see `close`). */
  execute(hooks: RunHooks): Promise<{ status: RunStatus; reason: string | null }>;
  /** Resolves once every event emitted so far can be read from the journal file. */
  flush(): Promise<void>;
  /** Flushes and closes the journal (removing it if no event reached it). */
  close(): Promise<void>;
}

/** A run picked up from an unfinished journal. */
export interface ResumedExecution extends RunExecution {
  readonly started: RunStarted;
  /** What the recorded part cost (the tenant's day counts it already). */
  readonly priorCostUsd: number;
}
