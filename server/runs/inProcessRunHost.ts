import type { RunStatus } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import { LocalRun, type LocalRunSetup } from '../runner/localRun';
import { PauseControl } from './pauseControl';
import { rateLimitedModel } from './rateLimitedModel';
import { ResumedRun } from './resumedRun';
import type { ControlSetup, ResumedExecution, RunExecution, RunHooks } from './runExecution';
import type { ResumeAdmission, RunHost } from './runHost';

/**
 * Runs execute on the HTTP thread, as the embedded server always did before run threads
 * (`--run-threads 0`, and the server when `dist/runThread.js` is not beside it: tests from source).
 */
export class InProcessRunHost implements RunHost {
  constructor(private readonly o: { wrapJournal?: (inner: JournalWriter) => JournalWriter } = {}) {}

  async open(setup: LocalRunSetup, control: ControlSetup): Promise<RunExecution> {
    return new InProcessRun(await LocalRun.open(setup), control, this.o.wrapJournal);
  }

  async reopen(journalPath: string, admit: ResumeAdmission, control: ControlSetup): Promise<ResumedExecution | null> {
    const local = await ResumedRun.open(journalPath, admit);
    return local ? new InProcessResumedRun(local, control, this.o.wrapJournal) : null;
  }

  describe(): string {
    return 'runs execute on the HTTP thread';
  }

  async close(): Promise<void> {}
}

class InProcessRun implements RunExecution {
  readonly control: PauseControl;

  constructor(
    protected readonly local: LocalRun | ResumedRun,
    control: ControlSetup,
    private readonly wrapJournal: ((inner: JournalWriter) => JournalWriter) | undefined,
  ) {
    this.control = new PauseControl(control.signal, { paused: control.paused, onHeld: control.onHeld });
  }

  get runId(): string {
    return this.local.runId;
  }
  get journalId(): string {
    return this.local.journalId;
  }
  get journalPath(): string {
    return this.local.journalPath;
  }
  get profile(): LocalRun['profile'] {
    return this.local.profile;
  }
  get seed(): number {
    return this.local.seed;
  }

  execute(hooks: RunHooks): Promise<{ status: RunStatus; reason: string | null }> {
    const { limits } = hooks;
    return this.local.execute({
      signal: hooks.signal,
      control: this.control,
      budgetUsd: hooks.budgetUsd,
      onEvent: hooks.onEvent,
      ...(this.wrapJournal ? { wrapJournal: this.wrapJournal } : {}),
      wrapModel: rateLimitedModel(limits.limiter, limits.startedAtMs, { onWait: limits.onWait, onRefused: limits.onRefused }),
    });
  }

  flush(): Promise<void> {
    return this.local.writer.flush();
  }

  close(): Promise<void> {
    return this.local.close();
  }
}

class InProcessResumedRun extends InProcessRun implements ResumedExecution {
  constructor(
    private readonly resumed: ResumedRun,
    control: ControlSetup,
    wrapJournal: ((inner: JournalWriter) => JournalWriter) | undefined,
  ) {
    super(resumed, control, wrapJournal);
  }

  get started(): ResumedRun['started'] {
    return this.resumed.started;
  }
  get priorCostUsd(): number {
    return this.resumed.priorCostUsd;
  }
  get resumedAfterSeq(): number | undefined {
    return this.resumed.events.at(-1)?.seq;
  }
}
