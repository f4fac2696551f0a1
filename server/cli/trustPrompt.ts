import { isSelfContained, squadCapabilities, type SquadCapabilities } from '../../protocol/squadCapabilities';
import type { SquadFile } from '../../protocol/squadFile';
import { sha256Hex as sha256 } from '../engine/sha256';
import { TrustStore } from '../trust/trustStore';
import { ExitCode, type CliIo } from './cliIo';
import { paintFor } from './paint';

export interface TrustQuestion {
  squad: SquadFile;
  /** The file's text: trust is remembered by its hash. */
  text: string;
  /** The path shown to the user. */
  path: string;
  /** The workspace whose `.squad/trust.json` remembers the answer. */
  workspace: string;
  /** `--yes`: trust without asking (CI, scripts). */
  yes: boolean;
}

/**
 * The CLI's trust prompt: before the first run of a squad file in a workspace, name the commands it
 * will start, the variables it will read and the hosts it will reach, and ask. The answer is
 * remembered per file hash in `.squad/trust.json`, so an edited file is asked about again.
 *
 * - A file that starts nothing, reads nothing and reaches no host (simulated models and tools only)
 *   needs no trust and is never asked about.
 * - On a terminal (stdin and stderr both TTYs) it asks `[y/N]`; only y or yes runs the file.
 * - `--yes` trusts without asking (CI); the list is printed all the same, for the log.
 * - Without a terminal and without `--yes`, it refuses: exit 2 with a message naming `--yes`. A
 *   script that never had a person look at the file must not run it by default.
 *
 * Returns null when the run may go on, else the exit code to end with (nothing was started).
 */
export async function confirmTrust(q: TrustQuestion, io: CliIo): Promise<number | null> {
  const capabilities = squadCapabilities(q.squad);
  if (isSelfContained(capabilities)) return null;
  const hash = sha256(q.text);
  const store = new TrustStore(q.workspace);
  if (await store.has(hash)) return null;
  const paint = paintFor(io.stderr, io.env);
  // cli-table3 and readline load only here: a trusted file is run without either.
  const { default: Table } = await import('cli-table3');
  io.stderr.write(`${paint.bold(q.path)} has not been run in this workspace. Running it may:\n${capabilityTable(Table, capabilities, paint)}\n`);
  const record = (by: 'prompt' | '--yes') =>
    store.add(hash, {
      path: q.path,
      trustedAt: new Date().toISOString(),
      by,
      commands: capabilities.commands.map(commandLine),
      env: capabilities.env,
      hosts: [...new Set(capabilities.hosts.map((h) => h.host))],
    });
  if (q.yes) {
    await record('--yes');
    io.stderr.write(paint.dim('trusted with --yes (remembered in .squad/trust.json)\n'));
    return null;
  }
  const stdin: (NodeJS.ReadableStream & { isTTY?: boolean }) | undefined = io.stdin;
  if (!stdin?.isTTY || !io.stderr.isTTY) {
    io.stderr.write(
      `squad: refusing to run ${q.path}: it has not been run in this workspace and there is no terminal to ask.\n` +
        'squad: review what it starts, reads and reaches (above), then run it once on a terminal, or pass --yes (CI).\n',
    );
    return ExitCode.invalidInput;
  }
  const answer = await ask(stdin, io, 'Trust this file and run it? [y/N] ');
  if (!/^(y|yes)$/i.test(answer.trim())) {
    io.stderr.write(`squad: not trusted: nothing was started\n`);
    return ExitCode.invalidInput;
  }
  await record('prompt');
  return null;
}

function capabilityTable(Table: typeof import('cli-table3'), c: SquadCapabilities, paint: ReturnType<typeof paintFor>): string {
  const table = new Table({ head: ['', 'what', 'declared at'].map((h) => paint.bold(h)), style: { head: [], border: [] } });
  for (const cmd of c.commands) {
    table.push(['start', `${commandLine(cmd)}${cmd.replicas > 1 ? ` (×${cmd.replicas})` : ''}${cmd.cwd ? ` in ${cmd.cwd}` : ''}`, cmd.field]);
  }
  for (const name of c.env) table.push(['read', name, 'env']);
  for (const h of c.hosts) table.push(['reach', h.host, h.field]);
  return table.toString();
}

function commandLine(cmd: { command: string; args: string[] }): string {
  return [cmd.command, ...cmd.args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

async function ask(stdin: NodeJS.ReadableStream, io: CliIo, question: string): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: stdin, terminal: false });
  try {
    // Listening before the question is out: an answer typed ahead is not lost.
    const line = new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
      io.signal.addEventListener('abort', () => resolve(''), { once: true });
    });
    io.stderr.write(question);
    return await line;
  } finally {
    rl.close();
  }
}
