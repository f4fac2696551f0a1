import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { FileJournalStore } from '../store/fileJournalStore';
import { continueRun, ReRunError, startedOf } from '../replay/reRun';
import { describe as describeDivergence } from '../replay/divergence';
import { runIdFor, sha256 } from '../runner/runId';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { readJournalArg } from './journalArg';
import { paintFor } from './paint';
import { report } from './runCommand';
import { runSummary } from './runSummary';

export interface ForkArgs {
  journal: string;
  at: number;
  edit: string | undefined;
  workspace: string;
  json: boolean;
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
  const edited = args.edit === undefined ? undefined : { text: await readEdit(args.edit, io.cwd), path: relative(io.cwd, resolve(io.cwd, args.edit)) || args.edit };
  const squadSha = edited ? sha256(edited.text) : started.squad.sha256;
  // A fork's id is a function of what it is: the parent, the point and the squad it goes on with.
  const runId = runIdFor({ squadName: started.squad.name, sha256: sha256(`${started.runId}\n${args.at}\n${squadSha}`), profile: started.profile, seed: started.seed, tenant: started.tenant });
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
    io.stdout.write(report(summary, started.squad.name, edited?.path ?? started.squad.path, paint));
  }
  return ExitCode[summary.status];
}

async function readEdit(path: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`--edit ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

