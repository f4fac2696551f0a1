import { basename } from 'node:path';
import { LocalRun, type LocalRunSetup } from '../runner/localRun';
import { ResumedRun } from './resumedRun';
import type { ControlSetup, ResumedExecution, RunExecution } from './runExecution';
import type { ResumeAdmission, RunHost } from './runHost';
import { RunThreadPool } from './runThreadPool';
import { ThreadedResumedRun, ThreadedRun, type ThreadedRunIdentity } from './threadedRun';

export interface ThreadRunHostOptions {
  /** Threads in the pool (several runs per thread). */
  threads: number;
  /** `dist/runThread.js` (see `runThreadScript`). */
  script: string;
  /** Each journal append latency a thread measured (the metrics' histogram). */
  journalAppended?: (seconds: number) => void;
  log?: (line: string) => void;
}

/**
 * Runs execute on a pool of worker threads (`dist/runThread.js`), so the HTTP thread only routes:
 * it admits a run, claims its journal (an exclusive create, as before, so the run has its id at once),
 * and hands the run to a thread, which reopens the journal and owns it from then on, with the engine,
 * its model providers and its tool hosts. See `ThreadedRun` for what crosses, and
 * `docs/architecture.md` (*The embedded server*) for budgets and limits.
 */
export class ThreadRunHost implements RunHost {
  private readonly pool: RunThreadPool;
  private readonly log: (line: string) => void;

  constructor(private readonly o: ThreadRunHostOptions) {
    this.log = o.log ?? (() => {});
    this.pool = new RunThreadPool(o.threads, o.script, this.log);
  }

  async open(setup: LocalRunSetup, control: ControlSetup): Promise<RunExecution> {
    // Resolves the profile (UnknownProfileError) and claims the journal here; the thread reopens it.
    const local = await LocalRun.open(setup);
    await local.writer.close();
    const { env } = setup;
    return this.threaded(
      { runId: local.runId, journalId: local.journalId, journalPath: local.journalPath, profile: local.profile, seed: local.seed },
      {
        kind: 'new',
        text: setup.text,
        path: setup.path,
        profile: setup.profile,
        seed: setup.seed,
        tenant: setup.tenant,
        workspace: setup.workspace,
        journalId: local.journalId,
        journalPath: local.journalPath,
        ...(env === undefined ? {} : { env: definedOnly(env) }),
        ...(setup.toolDir === undefined ? {} : { toolDir: setup.toolDir }),
      },
      control,
    );
  }

  async reopen(journalPath: string, admit: ResumeAdmission, control: ControlSetup): Promise<ResumedExecution | null> {
    // Read here for the run's identity and the policy's verdict; the thread reads it again to replay it.
    const found = await ResumedRun.inspect(journalPath, admit);
    if (!found) return null;
    const { started, profile, priorCostUsd, environment } = found;
    const lastSeq = found.events.at(-1)?.seq;
    return new ThreadedResumedRun(
      this.pool,
      { runId: started.runId, journalId: basename(journalPath, '.jsonl'), journalPath, profile, seed: started.seed, ...(lastSeq === undefined ? {} : { resumedAfterSeq: lastSeq }) },
      {
        kind: 'resume',
        journalPath,
        ...(environment ? { env: environment.env } : {}),
        ...(environment?.toolDir === undefined ? {} : { toolDir: environment.toolDir }),
      },
      control,
      this.o.journalAppended,
      this.log,
      started,
      priorCostUsd,
    );
  }

  describe(): string {
    return `runs execute on up to ${this.pool.size} run thread(s), off the HTTP thread`;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** The run threads alive now (see `RunThreadPool.workers`). */
  workers(): ReturnType<RunThreadPool['workers']> {
    return this.pool.workers();
  }

  private threaded(identity: ThreadedRunIdentity, spec: ConstructorParameters<typeof ThreadedRun>[2], control: ControlSetup): ThreadedRun {
    return new ThreadedRun(this.pool, identity, spec, control, this.o.journalAppended, this.log);
  }
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
