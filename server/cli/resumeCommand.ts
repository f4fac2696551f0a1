import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { squadOrUsage } from './forkCommand';
import { confirmTrust } from './trustPrompt';
import { FileJournalWriter } from '../store/fileJournalWriter';
import { continueRun, ReRunError, startedOf } from '../replay/reRun';
import { DivergenceError } from '../replay/divergence';
import { foldEvents } from '../engine/accounting';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { readJournalArg } from './journalArg';
import { paintFor } from './paint';
import { report } from './runReport';
import { runSummary } from './runSummary';

export interface ResumeArgs {
  journal: string;
  workspace: string;
  json: boolean;
  yes: boolean;
}

/**
 * `squad resume RUN`: finishes a run that was interrupted (a crash, a kill, a power cut). Its journal
 * is folded back into the engine's state by replaying it (recorded answers, nothing called again), a
 * torn last line is cut off, and the run goes on live, appending to the same journal.
 */
export async function resumeCommand(args: ResumeArgs, io: CliIo): Promise<number> {
  const journal = await readJournalArg(args.journal, io.cwd, args.workspace);
  const started = startedOf(journal.events, args.journal);
  const display = relative(io.cwd, journal.path) || journal.path;
  const paint = paintFor(io.stdout, io.env);
  const last = journal.events.at(-1)!;
  if (last.type === 'run.completed') {
    const account = foldEvents(journal.events);
    if (args.json) io.stdout.write(`${JSON.stringify({ runId: started.runId, status: last.status, journal: display, resumed: false })}\n`);
    else io.stdout.write(`run ${started.runId} already ended (${last.status}); nothing to resume (${account.events} events in ${display})\n`);
    return ExitCode[last.status];
  }
  const refused = await confirmTrust(
    { squad: squadOrUsage(started.squad.source, started.squad.path), text: started.squad.source, path: started.squad.path, workspace: resolve(io.cwd, args.workspace), yes: args.yes },
    io,
  );
  if (refused !== null) return refused;
  const size = (await stat(journal.path)).size;
  const validBytes = size - (journal.torn?.bytes ?? 0);
  if (journal.torn && !args.json) io.stderr.write(paint.yellow(`dropping the torn last line of ${display} (line ${journal.torn.line}: ${journal.torn.reason})\n`));
  const writer = await FileJournalWriter.resume(journal.path, validBytes);
  const began = performance.now();
  let result;
  try {
    result = await continueRun({ events: journal.events, upToSeq: journal.events.length, journal: writer, fork: null, signal: io.signal });
  } catch (error) {
    if (error instanceof ReRunError) throw new UsageError(error.message);
    if (error instanceof DivergenceError) {
      io.stderr.write(`squad: cannot resume ${display}: ${error.message} (was the squad engine or the squad file changed?)\n`);
      return ExitCode.failed;
    }
    throw error;
  } finally {
    await writer.close();
  }
  const summary = runSummary(result.outcome, { journal: display, profile: started.profile, seed: started.seed, tenant: started.tenant, wallMs: performance.now() - began });
  if (args.json) io.stdout.write(`${JSON.stringify({ ...summary, resumed: true, resumedAtSeq: journal.events.length })}\n`);
  else {
    io.stdout.write(`resumed ${started.runId} after event ${journal.events.length}\n`);
    io.stdout.write(report(summary, started.squad.name, started.squad.path, paint, io.program));
  }
  return ExitCode[summary.status];
}
