import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RunEvent } from '../../protocol/runEvent';
import { foldEvents } from '../engine/accounting';
import { resolveProfile, type RunProfile } from '../engine/runProfile';
import type { RunOutcome } from '../engine/runSquad';
import { continueRun, squadOf, startedOf, type RunStarted } from '../replay/reRun';
import type { LocalRunHooks } from '../runner/localRun';
import { FileJournalWriter } from '../store/fileJournalWriter';
import { readJournalFile } from '../store/readJournal';
import type { SquadFile } from '../../protocol/squadFile';
import type { RunEnvironment } from '../trust/runPolicy';

/** What an unfinished journal says about the run to go on with, before anything is reopened. */
export interface ResumeInspection {
  started: RunStarted;
  events: readonly RunEvent[];
  profile: RunProfile;
  /** What the recorded part of the run cost (spent in the earlier session). */
  priorCostUsd: number;
  environment: RunEnvironment | undefined;
  /** The journal's length without a torn last line. */
  validBytes: number;
}

/**
 * A run an earlier server session left unfinished (a shutdown held it at a checkpoint, or the server
 * was killed), picked up from its journal as `squad resume` does: the journal is replayed through
 * the engine (recorded model and tool answers, every decision checked, nothing called again), a torn
 * last line is cut off, and the run goes on live, appending to the same file under the same id.
 *
 * What the journal does not record is not restored: the budget the tenant granted the first session
 * (the run gets its profile's), and the tenant's rate limits are not applied to the re-run, whose
 * recorded calls must replay exactly (a throttle there would be a divergence).
 */
export class ResumedRun {
  private executed = false;

  private constructor(
    readonly started: RunStarted,
    readonly events: readonly RunEvent[],
    readonly journalPath: string,
    readonly profile: RunProfile,
    readonly writer: FileJournalWriter,
    /** What the recorded part of the run cost (spent in the earlier session). */
    readonly priorCostUsd: number,
    private readonly environment: RunEnvironment | undefined,
  ) {}

  /**
   * Reads an unfinished journal without touching it; null when the run has in fact ended (its last
   * event is `run.completed`). Throws `JournalError` for an unreadable journal and `ReRunError` when
   * its squad file no longer parses; `admit` (the server's policy) may throw too.
   */
  static async inspect(journalPath: string, admit?: (squad: SquadFile, path: string) => RunEnvironment): Promise<ResumeInspection | null> {
    const read = await readJournalFile(journalPath);
    const started = startedOf(read.events, journalPath);
    if (read.events.at(-1)?.type === 'run.completed') return null;
    const squad = squadOf(started.squad.source, started.squad.path);
    const profile = resolveProfile(squad, started.profile);
    // The server's policy judges the file again: what it may start and read now, not when it began.
    const environment = admit?.(squad, started.squad.path);
    const size = (await stat(journalPath)).size;
    return { started, events: read.events, profile, priorCostUsd: foldEvents(read.events).totals.costUsd, environment, validBytes: size - (read.torn?.bytes ?? 0) };
  }

  /** Inspects the journal (see `inspect`) and reopens it for appending, its torn last line cut off. */
  static async open(journalPath: string, admit?: (squad: SquadFile, path: string) => RunEnvironment): Promise<ResumedRun | null> {
    const found = await ResumedRun.inspect(journalPath, admit);
    if (!found) return null;
    const writer = await FileJournalWriter.resume(journalPath, found.validBytes);
    return new ResumedRun(found.started, found.events, journalPath, found.profile, writer, found.priorCostUsd, found.environment);
  }

  get runId(): string {
    return this.started.runId;
  }

  get journalId(): string {
    return basename(this.journalPath, '.jsonl');
  }

  get seed(): number {
    return this.started.seed;
  }

  /** `budgetUsd` and `wrapModel` are not applied (`wrapJournal` is) (see the class comment). */
  async execute(hooks: LocalRunHooks): Promise<RunOutcome> {
    if (this.executed) throw new Error(`run ${this.runId} was already resumed`);
    this.executed = true;
    const { outcome } = await continueRun({
      events: this.events,
      upToSeq: this.events.length,
      journal: hooks.wrapJournal ? hooks.wrapJournal(this.writer) : this.writer,
      fork: null,
      signal: hooks.signal,
      ...(this.environment ? { environment: this.environment } : {}),
      ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
      ...(hooks.control ? { control: hooks.control } : {}),
    });
    return outcome;
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
