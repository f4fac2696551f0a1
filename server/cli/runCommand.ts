import { randomInt } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { UnknownProfileError } from '../engine/runProfile';
import { runLocal } from '../runner/runLocal';
import { ToolServerStartError } from '../mcp/toolServerStartError';
import { FileJournalStore } from '../store/fileJournalStore';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { paintFor } from './paint';
import { ProgressLine } from './progressLine';
import { runSummary } from './runSummary';
import { loadSquadToRun } from './loadSquadToRun';

export interface RunArgs {
  file: string;
  profile: string;
  seed: number | undefined;
  tenant: string;
  journal: string | undefined;
  workspace: string;
  json: boolean;
  /** Trust the file without asking (see `confirmTrust`). */
  yes: boolean;
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  if (!TENANT.test(args.tenant)) throw new UsageError(`--tenant "${args.tenant}": use letters, digits, ".", "-", "_" (64 at most)`);
  const loaded = await loadSquadToRun(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const { shownPath } = loaded;
  const seed = args.seed ?? randomInt(0, 2 ** 31);
  const paint = paintFor(io.stdout, io.env);
  const progress = !args.json && io.stderr.isTTY ? new ProgressLine(io.stderr) : null;
  const started = performance.now();
  let result;
  try {
    result = await runLocal({
      squad: loaded.squad,
      text: loaded.text,
      path: shownPath,
      profile: args.profile,
      seed,
      tenant: args.tenant,
      workspace: resolve(io.cwd, args.workspace),
      ...(args.journal !== undefined ? { journalPath: resolve(io.cwd, args.journal) } : {}),
      signal: io.signal,
      ...(progress ? { onEvent: (e) => progress.onEvent(e) } : {}),
    });
  } catch (error) {
    if (error instanceof UnknownProfileError) throw new UsageError(error.message);
    if (error instanceof ToolServerStartError) {
      // The squad's tools are not there: nothing ran, and no stack trace would say more than this.
      io.stderr.write(
        `${error.message
          .split('\n')
          .map((line) => `squad: ${line}`)
          .join('\n')}\n`,
      );
      return ExitCode.failed;
    }
    throw error;
  } finally {
    progress?.clear();
  }
  const summary = runSummary(result.outcome, {
    journal: relative(io.cwd, result.journalPath) || result.journalPath,
    profile: args.profile,
    seed,
    tenant: args.tenant,
    wallMs: performance.now() - started,
  });
  if (args.json) {
    io.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    // The tables (cli-table3, ICU's number formats) load only for the human report: not for --json.
    const { report } = await import('./runReport');
    io.stdout.write(report(summary, loaded.squad.name, args.file, paint, io.program));
    await hintInterrupted(resolve(io.cwd, args.workspace), io, paint);
  }
  return ExitCode[summary.status];
}

/**
 * Runs of this workspace that an earlier `squad run` or server left unfinished (killed, or shut down
 * mid-run) are named after the report, with the command that continues them: nothing is resumed
 * behind the user's back, and nothing interrupted goes unnoticed.
 */
async function hintInterrupted(workspace: string, io: CliIo, paint: ReturnType<typeof paintFor>): Promise<void> {
  // Its reader (and every event's schema) loads here, after the run: `--json` never needs it.
  const { endsUnfinished } = await import('../store/endsUnfinished');
  const files = await FileJournalStore.forWorkspace(workspace)
    .list()
    .catch(() => []);
  const interrupted: string[] = [];
  for (const f of files) if (await endsUnfinished(f.path)) interrupted.push(f.id);
  if (interrupted.length === 0) return;
  const program = io.program ?? 'squad';
  const shown = interrupted.slice(0, 3).map((id) => `${program} resume ${id}`);
  const more = interrupted.length > 3 ? ` (and ${interrupted.length - 3} more)` : '';
  io.stderr.write(`${paint.yellow(`${interrupted.length} interrupted run${interrupted.length === 1 ? '' : 's'} in this workspace`)}: ${shown.join(', ')}${more}, or ${program} serve --resume\n`);
}
