import { relative, resolve } from 'node:path';
import { FileJournalStore } from '../store/fileJournalStore';
import { continueRun, forkRunId, ReRunError, squadOf, startedOf } from '../replay/reRun';
import type { SquadFile } from '../../protocol/squadFile';
import { confirmTrust } from './trustPrompt';
import { describe as describeDivergence } from '../replay/divergence';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { readJournalArg, readSquadArg } from './journalArg';
import { paintFor } from './paint';
import { report } from './runReport';
import { runSummary } from './runSummary';

export interface ForkArgs {
  journal: string;
  at: number;
  edit: string | undefined;
  workspace: string;
  json: boolean;
  yes: boolean;
}

/**
 * `squad fork JOURNAL --at SEQ [--edit FILE]`: a new run that replays the journal up to `seq` and goes
 * on live, with an edited squad file if given; its journal links back to the parent (`run.forked`).
 */
export async function forkCommand(args: ForkArgs, io: CliIo): Promise<number> {
  const parent = await readJournalArg(args.journal, io.cwd, args.workspace);
  const started = startedOf(parent.events, args.journal);
  const last = parent.events.length;
  if (!(args.at >= 1 && args.at <= last)) throw new UsageError(`--at ${args.at}: the journal has events 1 to ${last}`);
  const edited = args.edit === undefined ? undefined : await readSquadArg('--edit', args.edit, io.cwd);
  // The fork goes on live with this file: it is trusted like a file `squad run` starts.
  const live = edited ?? { text: started.squad.source, path: started.squad.path };
  const refused = await confirmTrust({ squad: squadOrUsage(live.text, live.path), text: live.text, path: live.path, workspace: resolve(io.cwd, args.workspace), yes: args.yes }, io);
  if (refused !== null) return refused;
  const runId = forkRunId(started, args.at, edited?.text);
  const { path, writer } = await FileJournalStore.forWorkspace(resolve(io.cwd, args.workspace)).createWriter(runId);
  const began = performance.now();
  let result;
  try {
    result = await continueRun({
      events: parent.events,
      upToSeq: args.at,
      journal: writer,
      fork: { runId, parentJournal: relative(io.cwd, parent.path) || parent.path },
      ...(edited ? { edited } : {}),
      signal: io.signal,
    });
  } catch (error) {
    if (error instanceof ReRunError) throw new UsageError(error.message);
    throw error;
  } finally {
    await writer.close();
  }
  const summary = runSummary(result.outcome, { journal: relative(io.cwd, path) || path, profile: started.profile, seed: started.seed, tenant: started.tenant, wallMs: performance.now() - began });
  const paint = paintFor(io.stdout, io.env);
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ ...summary, forkOf: { runId: started.runId, journal: parent.path, atSeq: args.at, edited: edited !== undefined }, prefixDivergence: result.divergence })}\n`);
  } else {
    io.stdout.write(`forked ${started.runId} at seq ${args.at}${edited ? ` with ${edited.path}` : ''} → run ${runId}\n`);
    if (result.divergence) io.stdout.write(paint.yellow(`⚠ the edited squad parts from the parent before the fork point, at seq ${result.divergence.seq}: ${describeDivergence(result.divergence)}\n`));
    io.stdout.write(report(summary, started.squad.name, edited?.path ?? started.squad.path, paint, io.program));
  }
  return ExitCode[summary.status];
}

/** The squad file a re-run goes on with; one that no longer parses is a usage error (exit 2). */
export function squadOrUsage(text: string, path: string): SquadFile {
  try {
    return squadOf(text, path);
  } catch (error) {
    if (error instanceof ReRunError) throw new UsageError(error.message);
    throw error;
  }
}
