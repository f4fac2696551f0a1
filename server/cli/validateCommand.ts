import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import { loadSquadFile } from '../runner/loadSquadFile';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { paintFor } from './paint';
import { unpricedModelWarnings } from '../runner/unpricedModelWarnings';
import { squadCapabilities } from '../../protocol/squadCapabilities';

/** `squad validate FILE...`: every error of every file, located; exit 2 if any file is invalid. */
export async function validateCommand(files: string[], io: CliIo): Promise<number> {
  if (files.length === 0) throw new UsageError('validate needs at least one squad file');
  const paint = paintFor(io.stdout, io.env);
  let invalid = 0;
  for (const file of files) {
    const loaded = await loadSquadFile(file);
    for (const w of loaded.warnings) io.stderr.write(`${paint.yellow(formatDiagnostic(w))}\n`);
    if (!loaded.ok) {
      invalid += 1;
      for (const e of loaded.errors) io.stderr.write(`${formatDiagnostic(e)}\n`);
      continue;
    }
    const s = loaded.squad;
    for (const w of unpricedModelWarnings(file, loaded.text, s)) io.stderr.write(`${paint.yellow(formatDiagnostic(w))}\n`);
    const agents = Object.keys(s.agents).length;
    io.stdout.write(`${paint.green('✔')} ${file}: squad "${s.name}", ${agents} agent${agents === 1 ? '' : 's'}, entry ${s.task.entry}\n`);
    // What running it may touch outside the engine, as the trust prompt and the server judge it.
    const c = squadCapabilities(s);
    io.stdout.write(`  env: ${c.env.length > 0 ? c.env.join(', ') : 'none'}\n`);
    if (c.commands.length > 0) io.stdout.write(`  starts: ${c.commands.map((x) => `${x.server} (${[x.command, ...x.args].join(' ')})`).join(', ')}\n`);
    if (c.hosts.length > 0) io.stdout.write(`  reaches: ${[...new Set(c.hosts.map((h) => h.host))].join(', ')}\n`);
  }
  if (invalid > 0) io.stderr.write(`${invalid} of ${files.length} file${files.length === 1 ? '' : 's'} invalid\n`);
  return invalid > 0 ? ExitCode.invalidInput : ExitCode.completed;
}
