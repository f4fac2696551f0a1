import type { SquadFile } from '../../protocol/squadFile';
import type { LocalRunSetup } from '../runner/localRun';
import type { RunEnvironment } from '../trust/runPolicy';
import type { ControlSetup, ResumedExecution, RunExecution } from './runExecution';

/** The server's policy on a squad a resumed journal names: throws if it may not run, else its environment. */
export type ResumeAdmission = (squad: SquadFile, path: string) => RunEnvironment;

/**
 * Port: where the embedded server's runs execute. Adapters: `InProcessRunHost` (on the HTTP thread,
 * `--run-threads 0`) and `ThreadRunHost` (a pool of worker threads, the default). The run manager
 * keeps admission, the tenant's budget and limiter, followers and observers on the HTTP thread in
 * both; only the engine and what it drives (providers, tool hosts, the journal writer) move.
 */
export interface RunHost {
  /** Wires a new run without starting it: resolves its profile (throws `UnknownProfileError`) and claims its journal. */
  open(setup: LocalRunSetup, control: ControlSetup): Promise<RunExecution>;
  /**
   * An unfinished journal of an earlier session, to go on with it; null when the run has in fact ended.
   * Throws `JournalError` for an unreadable journal, `ReRunError` when its squad no longer parses, and
   * what `admit` throws.
   */
  reopen(journalPath: string, admit: ResumeAdmission, control: ControlSetup): Promise<ResumedExecution | null>;
  /** Where runs execute, for the server's log. */
  describe(): string;
  /** Ends what the host started (threads); call after every run has ended or been closed. */
  close(): Promise<void>;
}
