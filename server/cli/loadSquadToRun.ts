import { relative, resolve } from 'node:path';
import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import type { SquadFile } from '../../protocol/squadFile';
import { resolveProfile, UnknownProfileError } from '../engine/runProfile';
import { loadSquadFile } from '../runner/loadSquadFile';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { confirmTrust } from './trustPrompt';

export type SquadToRun = { ok: true; squad: SquadFile; text: string; shownPath: string } | { ok: false; exitCode: number };

/**
 * What every command that runs a squad file does first: load and validate it (its warnings and
 * errors on stderr as `file:line:col: message`), check the profile exists (a usage error), then ask
 * the workspace's trust (`--yes` for CI). A file that cannot run as asked is reported before anyone
 * is asked to trust it. `shownPath` is the file as the user sees it, relative to the working directory.
 */
export async function loadSquadToRun(args: { file: string; profile: string; workspace: string; yes: boolean }, io: CliIo): Promise<SquadToRun> {
  const loaded = await loadSquadFile(args.file);
  for (const w of loaded.warnings) io.stderr.write(`${formatDiagnostic(w)}\n`);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr.write(`${formatDiagnostic(e)}\n`);
    return { ok: false, exitCode: ExitCode.invalidInput };
  }
  try {
    resolveProfile(loaded.squad, args.profile);
  } catch (error) {
    if (error instanceof UnknownProfileError) throw new UsageError(error.message);
    throw error;
  }
  const shownPath = relative(io.cwd, resolve(io.cwd, args.file)) || args.file;
  const refused = await confirmTrust({ squad: loaded.squad, text: loaded.text, path: shownPath, workspace: resolve(io.cwd, args.workspace), yes: args.yes }, io);
  if (refused !== null) return { ok: false, exitCode: refused };
  return { ok: true, squad: loaded.squad, text: loaded.text, shownPath };
}
