import type { RunEvent, RunEventDraft } from '../../protocol/runEvent';
import type { JournalWriter } from './journalWriter';
import { RunJournal, type RunEventListener } from './runJournal';

/** The fork point of a run that forks another (see RunOptions.forkOf). */
export interface ForkPoint {
  seq: number;
  parentRunId: string;
  parentJournal: string;
  edited: boolean;
}

/**
 * The engine's one way to the journal. Every event goes through `emit`, which journals it, journals
 * `run.forked` right after the fork point, and hands it to the guardrails that watch its type. Once
 * the run's end is decided (`close`), nothing more is journaled but the end itself (`final`) and the
 * usage of calls cut off by it (`afterEnd`): an event drafted by the rest of the deciding step is
 * stamped but not written.
 */
export class JournalEmitter {
  private readonly journal: RunJournal;
  private closed = false;
  /** The guardrails' look at each event (set by the run once its gate exists). */
  watch: ((event: RunEvent) => void) | null = null;

  constructor(
    runId: string,
    writer: JournalWriter,
    private readonly forkOf: ForkPoint | undefined,
    private readonly now: () => number,
  ) {
    this.journal = new RunJournal(runId, writer);
  }

  get lastSeq(): number {
    return this.journal.lastSeq;
  }

  /** The run id, for drafts written stamped in place (`{ runId, seq: 0, … }`, see RunJournal.emit). */
  get runId(): string {
    return this.journal.runId;
  }

  subscribe(listener: RunEventListener): void {
    this.journal.subscribe(listener);
  }

  emit(draft: RunEventDraft | RunEvent): RunEvent {
    if (this.closed) return this.journal.stamp(draft, this.journal.lastSeq);
    const event = this.journal.emit(draft);
    const fork = this.forkOf;
    if (fork && event.seq === fork.seq) {
      this.journal.emit({
        type: 'run.forked',
        t: this.now(),
        agent: null,
        spanId: 'run',
        parentSpanId: null,
        parentRunId: fork.parentRunId,
        parentJournal: fork.parentJournal,
        atSeq: fork.seq,
        edited: fork.edited,
      });
    }
    this.watch?.(event);
    return event;
  }

  /** A guardrail's trip: journaled without the guardrails' look (they do not judge each other's trips). */
  emitUnwatched(draft: RunEventDraft): RunEvent | null {
    return this.closed ? null : this.journal.emit(draft);
  }

  /** The run's end is decided: from now on only `final` and `afterEnd` write. */
  close(): void {
    this.closed = true;
  }

  /** What a call cut off by the end used: journaled before `run.completed`, unwatched. */
  afterEnd(draft: RunEventDraft): void {
    this.journal.emit(draft);
  }

  final(draft: RunEventDraft): RunEvent {
    return this.journal.emit(draft);
  }

  get needsDrain(): boolean {
    return this.journal.needsDrain;
  }

  backpressure(): Promise<void> {
    return this.journal.backpressure();
  }
}
