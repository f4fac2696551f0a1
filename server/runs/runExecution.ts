import type { RunProfile } from '../engine/runProfile';
import type { JournalWriter } from '../engine/journalWriter';
import type { RunOutcome } from '../engine/runSquad';
import type { LocalRunHooks } from '../runner/localRun';

/**
 * What the run manager needs of a run it drives: its identity and journal, one execution of the
 * engine, and closing the journal. A new run (`LocalRun`) and a run resumed from the journal an
 * earlier server session left (`ResumedRun`) both are one.
 */
export interface RunExecution {
  readonly runId: string;
  /** The journal's file name without `.jsonl`: the run's id in the API. */
  readonly journalId: string;
  readonly journalPath: string;
  readonly profile: RunProfile;
  readonly seed: number;
  readonly writer: JournalWriter;
  /** Runs the engine to the run's end; call at most once. Leaves the journal open (see `close`). */
  execute(hooks: LocalRunHooks): Promise<RunOutcome>;
  /** Flushes and closes the journal. */
  close(): Promise<void>;
}
