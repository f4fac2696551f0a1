import { rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RunEvent } from '../../protocol/runEvent';
import type { SquadFile } from '../../protocol/squadFile';
import { SystemClock, VirtualClock, type Clock } from '../engine/clock';
import type { JournalWriter } from '../engine/journalWriter';
import type { ModelProvider } from '../engine/modelProvider';
import type { RunControl } from '../engine/runControl';
import { resolveProfile, type RunProfile } from '../engine/runProfile';
import { runSquad, type RunOutcome } from '../engine/runSquad';
import { FileJournalStore } from '../store/fileJournalStore';
import { FileJournalWriter } from '../store/fileJournalWriter';
import type { SecretLookup } from '../providers/secretLookup';
import { createModelProvider, usesRealModels } from './createModelProvider';
import { sha256Hex } from '../engine/sha256';
import { runIdFor } from './runId';
import { startToolHost } from './startToolHost';
import { runRandoms } from './runRandoms';

export interface LocalRunSetup {
  squad: SquadFile;
  /** The squad file as written and the path to show for it. */
  text: string;
  path: string;
  profile: string;
  seed: number;
  tenant: string;
  /** The workspace whose `.squad/runs/` keeps the journal, unless `journalPath` is given. */
  workspace: string;
  journalPath?: string;
  /** A journal a store already claimed (a worker's run): its id, how to show it, and its writer. */
  journal?: { id: string; display: string; writer: JournalWriter };
  /** Where real models' keys come from (default: the process environment; VS Code: SecretStorage). */
  secrets?: SecretLookup;
  /** Where tool servers' `${env:NAME}` are read (default: the process environment; the server: only what its policy allows). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The folder stdio tool servers start in (default: the squad file's, `path` taken from the working directory). */
  toolDir?: string;
}

/** What a caller may add to a run when it executes: the server's control, tenant limits and budget. */
export interface LocalRunHooks {
  signal: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  control?: RunControl;
  /** Lowers the run's cost limit (a tenant's remaining daily budget); never raises it. */
  budgetUsd?: number;
  /** Decorates the model provider (a tenant's rate limits); gets the run's clock. */
  wrapModel?: (inner: ModelProvider, clock: Clock) => ModelProvider;
  /** Decorates the journal writer the engine appends to (metrics); the run still closes the inner one. */
  wrapJournal?: (inner: JournalWriter) => JournalWriter;
}

/**
 * One local run, wired but not started: the journal file is claimed (so the run has its id and
 * path), and `execute` runs the engine once. The one place the CLI and the server wire the engine's
 * ports for a local run: simulated models on the virtual clock, journal on disk.
 */
export class LocalRun {
  private executed = false;

  private constructor(
    private readonly setup: LocalRunSetup,
    readonly runId: string,
    readonly profile: RunProfile,
    readonly sha256: string,
    readonly journalPath: string,
    readonly writer: JournalWriter,
  ) {}

  /** Resolves the profile (throws `UnknownProfileError`) and claims the journal. */
  static async open(setup: LocalRunSetup): Promise<LocalRun> {
    const profile = resolveProfile(setup.squad, setup.profile);
    const hash = sha256Hex(setup.text);
    const runId = runIdFor({ squadName: setup.squad.name, sha256: hash, profile: profile.name, seed: setup.seed, tenant: setup.tenant });
    const { path, writer } = await openJournal(setup, runId);
    return new LocalRun(setup, runId, profile, hash, path, writer);
  }

  get seed(): number {
    return this.setup.seed;
  }

  /** The journal's file name without `.jsonl`: `<runId>` or `<runId>-N`. */
  get journalId(): string {
    return this.setup.journal?.id ?? basename(this.journalPath, '.jsonl');
  }

  /** Runs the engine to its end; call at most once. Leaves the journal open (see `close`). */
  async execute(hooks: LocalRunHooks): Promise<RunOutcome> {
    if (this.executed) throw new Error(`run ${this.runId} was already executed`);
    this.executed = true;
    const { setup } = this;
    const randoms = runRandoms(setup.seed);
    // Real models take real time: retry-after, rate limits and timeouts must really wait.
    const real = usesRealModels(setup.squad);
    const clock = real ? new SystemClock() : new VirtualClock();
    const profile =
      hooks.budgetUsd !== undefined && hooks.budgetUsd < this.profile.guardrails.budgetUsd ? { ...this.profile, guardrails: { ...this.profile.guardrails, budgetUsd: hooks.budgetUsd } } : this.profile;
    const model = createModelProvider(setup.squad, profile, randoms.model, setup.secrets ? { secrets: setup.secrets } : {});
    const { tools, failures } = await startToolHost(setup.squad, {
      profile: profile.name,
      random: randoms.tools,
      signal: hooks.signal,
      squadPath: setup.path,
      timing: real ? 'real' : 'virtual',
      ...(setup.toolDir !== undefined ? { baseDir: setup.toolDir } : {}),
      ...(setup.env !== undefined ? { env: setup.env } : {}),
    });
    try {
      return await runSquad({
        runId: this.runId,
        squad: setup.squad,
        source: { path: setup.path, text: setup.text, sha256: this.sha256 },
        profile,
        seed: setup.seed,
        tenant: setup.tenant,
        ports: { model: hooks.wrapModel ? hooks.wrapModel(model, clock) : model, tools, journal: hooks.wrapJournal ? hooks.wrapJournal(this.writer) : this.writer, clock, random: randoms.engine },
        signal: hooks.signal,
        ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
        ...(hooks.control ? { control: hooks.control } : {}),
        ...(failures.length > 0 ? { toolServerFailures: failures } : {}),
      });
    } finally {
      await tools.close();
    }
  }

  /**
   * Flushes and closes the journal. A journal no event reached (the run failed before it started)
   * is removed: an empty file is no record of anything, and every reader would have to refuse it.
   */
  async close(): Promise<void> {
    await this.writer.close();
    const size = await stat(this.journalPath).then(
      (s) => s.size,
      () => -1,
    );
    if (size === 0) await rm(this.journalPath, { force: true });
  }
}

async function openJournal(setup: LocalRunSetup, runId: string): Promise<{ path: string; writer: JournalWriter }> {
  if (setup.journal !== undefined) return { path: setup.journal.display, writer: setup.journal.writer };
  if (setup.journalPath !== undefined) {
    return { path: setup.journalPath, writer: await FileJournalWriter.create(setup.journalPath) };
  }
  return FileJournalStore.forWorkspace(setup.workspace).createWriter(runId);
}
