import { parseSquadFile } from '../../protocol/parseSquadFile';
import type { RunEvent, RunEventOf } from '../../protocol/runEvent';
import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import type { SquadFile } from '../../protocol/squadFile';
import { VirtualClock } from '../engine/clock';
import type { JournalWriter } from '../engine/journalWriter';
import type { ModelProvider } from '../engine/modelProvider';
import type { RunControl } from '../engine/runControl';
import { resolveProfile, type RunProfile } from '../engine/runProfile';
import { runSquad, type RunOptions, type RunOutcome } from '../engine/runSquad';
import type { ToolHost } from '../engine/toolHost';
import { createModelProvider } from '../runner/createModelProvider';
import { sha256Hex as sha256 } from '../engine/sha256';
import type { SecretLookup } from '../providers/secretLookup';
import { runIdFor } from '../runner/runId';
import { runRandoms } from '../runner/runRandoms';
import { startToolHost } from '../runner/startToolHost';
import { DivergenceError, type Divergence } from './divergence';
import { RecordedProvider } from './recordedProvider';
import { RecordedToolHost } from './recordedToolHost';
import { Recording } from './recording';
import { VerifyingWriter } from './verifyingWriter';

/** A journal that cannot be re-run: not a run's journal, or its squad file no longer parses. */
export class ReRunError extends Error {}

export type RunStarted = RunEventOf<'run.started'>;

export function startedOf(events: readonly RunEvent[], where: string): RunStarted {
  const first = events[0];
  if (!first || first.type !== 'run.started') throw new ReRunError(`${where}: not a run journal (it does not start with run.started)`);
  return first;
}

/** The squad a re-run runs: the one recorded in the journal, or an edited file. */
export function squadOf(text: string, path: string): SquadFile {
  const parsed = parseSquadFile(text, path);
  if (!parsed.ok) throw new ReRunError(parsed.errors.map(formatDiagnostic).join('\n'));
  return parsed.squad;
}

export interface ReRunOptions {
  /** The recorded journal. */
  events: readonly RunEvent[];
  /** An edited squad file to run instead of the recorded one. */
  edited?: { text: string; path: string };
  signal: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  control?: RunControl;
  /** What a live continuation may read and where its tool servers start (the server's policy); default: the process's. */
  environment?: { env: Readonly<Record<string, string | undefined>>; secrets: SecretLookup; toolDir?: string };
}

export interface ReplayResult {
  divergence: Divergence | null;
  /** Events the re-run produced (up to the divergence when there is one). */
  events: number;
  outcome: RunOutcome | null;
}

/** What every re-run of a journal shares: the squad it runs, its profile and random streams. */
interface ReRunSetup {
  started: RunStarted;
  squad: SquadFile;
  text: string;
  path: string;
  profile: RunProfile;
  randoms: ReturnType<typeof runRandoms>;
}

function setUp(options: ReRunOptions, what: string): ReRunSetup {
  const started = startedOf(options.events, what);
  const text = options.edited?.text ?? started.squad.source;
  const path = options.edited?.path ?? started.squad.path;
  const squad = squadOf(text, path);
  return { started, squad, text, path, profile: resolveProfile(squad, started.profile), randoms: runRandoms(started.seed) };
}

/** Runs the engine over a re-run's ports: the run's own seed, tenant and (virtual) clock. */
function reRunSquad(
  setup: ReRunSetup,
  options: ReRunOptions,
  ports: { model: ModelProvider; tools: ToolHost; journal: JournalWriter },
  extra: { runId?: string; forkOf?: RunOptions['forkOf'] } = {},
): Promise<RunOutcome> {
  const { started } = setup;
  return runSquad({
    runId: extra.runId ?? started.runId,
    squad: setup.squad,
    source: { path: setup.path, text: setup.text, sha256: sha256(setup.text) },
    profile: setup.profile,
    seed: started.seed,
    tenant: started.tenant,
    ports: { ...ports, clock: new VirtualClock(), random: setup.randoms.engine },
    signal: options.signal,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.control ? { control: options.control } : {}),
    ...(extra.forkOf ? { forkOf: extra.forkOf } : {}),
    // Servers that did not start in the recording did not start in the re-run either.
    ...(recordedFailures(options.events).length > 0 ? { toolServerFailures: recordedFailures(options.events) } : {}),
  });
}

/** The tool servers the recorded run started without (journaled right after `run.started`). */
function recordedFailures(events: readonly RunEvent[]): { server: string; reason: string }[] {
  return events.flatMap((e) => (e.type === 'tool.server.failed' ? [{ server: e.server, reason: e.reason }] : []));
}

/**
 * Re-runs a saved execution with every model and tool answer taken from its journal (no network, no
 * cost) and checks that the engine makes the same decisions. The first event that differs is the
 * divergence: how a user learns that a change to the squad file or to the engine changed behaviour.
 */
export async function replayRun(options: ReRunOptions): Promise<ReplayResult> {
  const setup = setUp(options, 'replay');
  const recording = Recording.of(options.events);
  const writer = new VerifyingWriter(options.events, null, { strict: true, ignoreRunId: false, ignoreSquadSource: options.edited !== undefined });
  let outcome: RunOutcome | null = null;
  try {
    outcome = await reRunSquad(setup, options, {
      model: new RecordedProvider(recording, null, createModelProvider(setup.squad, setup.profile, setup.randoms.model)),
      tools: new RecordedToolHost(recording, null, setup.started.tools),
      journal: writer,
    });
  } catch (error) {
    if (!(error instanceof DivergenceError)) throw error;
  }
  const divergence = outcome ? writer.finish() : writer.divergence;
  return { divergence, events: writer.count, outcome };
}

export interface ContinueOptions extends ReRunOptions {
  /** Where the continuation's events go after the recorded prefix. */
  journal: JournalWriter;
  /** The recorded prefix that is replayed; the rest runs live. */
  upToSeq: number;
  /** A fork gets its own run id and marks where it parts; a resume keeps the run's id. */
  fork: { runId: string; parentJournal: string } | null;
}

export interface ContinueResult {
  outcome: RunOutcome;
  /** Where the re-run's prefix parted from the journal's (a fork with an edited file may). */
  divergence: Divergence | null;
}

/**
 * Replays a journal's first `upToSeq` events and goes on live: crash recovery (the whole journal,
 * same run id, appended to the same file, every recorded decision checked) and fork-from-step (a
 * prefix, a new run, an edited squad file allowed). Completed model and tool calls of the prefix are
 * never made again; tool calls keep their ids, which is their idempotency key for a server that
 * saw the call before the crash.
 */
export async function continueRun(options: ContinueOptions): Promise<ContinueResult> {
  const setup = setUp(options, options.fork ? 'fork' : 'resume');
  const { started, squad, profile, randoms } = setup;
  const recording = Recording.of(options.events, options.upToSeq);
  const environment = options.environment;
  const live = createModelProvider(squad, profile, randoms.model, environment ? { secrets: environment.secrets } : {});
  const writer = new VerifyingWriter(options.fork ? options.events.slice(0, options.upToSeq) : options.events, options.journal, {
    strict: options.fork === null,
    ignoreRunId: options.fork !== null,
    ignoreSquadSource: options.edited !== undefined,
    ...(options.fork ? { verifyUpTo: options.upToSeq } : {}),
  });
  let liveTools: (ToolHost & { close(): Promise<void> }) | null = null;
  try {
    // Servers dead in the recording stay dead (not started again); one that dies now fails its calls.
    ({ tools: liveTools } = await startToolHost(
      squad,
      {
        profile: profile.name,
        random: randoms.tools,
        signal: options.signal,
        squadPath: setup.path,
        resuming: true,
        ...(environment ? { env: environment.env } : {}),
        ...(environment?.toolDir !== undefined ? { baseDir: environment.toolDir } : {}),
      },
      recordedFailures(options.events),
    ));
    const tools = new RecordedToolHost(recording, liveTools, started.tools);
    const outcome = await reRunSquad(
      setup,
      options,
      { model: new RecordedProvider(recording, live), tools, journal: writer },
      options.fork
        ? {
            runId: options.fork.runId,
            forkOf: { seq: options.upToSeq, parentRunId: started.runId, parentJournal: options.fork.parentJournal, edited: options.edited !== undefined },
          }
        : {},
    );
    return { outcome, divergence: writer.divergence };
  } finally {
    await liveTools?.close();
  }
}

/**
 * A fork's run id is a function of what it is: the parent run, the step it parts at and the squad
 * file it goes on with (the CLI and the server name forks the same way).
 */
export function forkRunId(started: RunStarted, atSeq: number, editedText: string | undefined): string {
  const squadSha = editedText === undefined ? started.squad.sha256 : sha256(editedText);
  return runIdFor({ squadName: started.squad.name, sha256: sha256(`${started.runId}\n${atSeq}\n${squadSha}`), profile: started.profile, seed: started.seed, tenant: started.tenant });
}
