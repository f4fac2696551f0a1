import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { RunEvent } from '../../protocol/runEvent';
import type { RunControl } from '../engine/runControl';
import { divergenceReport } from '../replay/divergenceReport';
import { eventLine as line } from '../replay/eventLine';
import { ReRunError, replayRun } from '../replay/reRun';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { readJournalArg, readSquadArg } from './journalArg';
import { paintFor } from './paint';

export interface ReplayArgs {
  journal: string;
  squad: string | undefined;
  workspace: string;
  step: boolean;
  json: boolean;
}

/**
 * `squad replay JOURNAL`: re-runs a saved execution with every model and tool answer from its journal
 * (no network, no cost) and checks the engine makes the same decisions; exit 1 on a divergence.
 */
export async function replayCommand(args: ReplayArgs, io: CliIo): Promise<number> {
  const paint = paintFor(io.stdout, io.env);
  const journal = await readJournalArg(args.journal, io.cwd, args.workspace);
  const edited = args.squad === undefined ? undefined : await readSquadArg('--squad', args.squad, io.cwd);
  const stepper = args.step ? new LineStepper(io.stdin ?? Readable.from([]), io) : null;
  const started = performance.now();
  let result;
  try {
    result = await replayRun({
      events: journal.events,
      ...(edited ? { edited } : {}),
      signal: io.signal,
      ...(stepper ? { control: stepper, onEvent: (e: RunEvent) => io.stdout.write(`${paint.dim(`#${e.seq}`)} ${line(e)}\n`) } : {}),
    });
  } catch (error) {
    if (error instanceof ReRunError) throw new UsageError(error.message);
    throw error;
  } finally {
    stepper?.close();
  }
  const wallMs = performance.now() - started;
  const d = result.divergence;
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ journal: journal.path, events: journal.events.length, replayed: result.events, divergence: d, torn: journal.torn, wallMs: Math.round(wallMs) })}\n`);
    return d ? ExitCode.failed : ExitCode.completed;
  }
  if (journal.torn) io.stderr.write(paint.yellow(`the journal's last line was torn (line ${journal.torn.line}: ${journal.torn.reason}); replayed what came before it\n`));
  if (!d) {
    io.stdout.write(`${paint.green('✔')} replayed ${journal.events.length} events in ${Math.round(wallMs)} ms: the engine made every recorded decision again, no model or tool was called\n`);
    return ExitCode.completed;
  }
  io.stdout.write(`${paint.red('✖')} ${divergenceReport(d, paint.dim)}\n`);
  return ExitCode.failed;
}

/** `--step`: the replay stops before each turn until the user presses Enter ("c" runs to the end). */
class LineStepper implements RunControl {
  private readonly lines: AsyncIterator<string>;
  private readonly rl;
  private running = false;

  constructor(
    stdin: NodeJS.ReadableStream,
    private readonly io: CliIo,
  ) {
    this.rl = createInterface({ input: stdin, terminal: false });
    this.lines = this.rl[Symbol.asyncIterator]();
  }

  async checkpoint(point: Parameters<RunControl['checkpoint']>[0]): Promise<void> {
    if (this.running || point.kind !== 'turn') return;
    this.io.stdout.write(`⏸ before ${point.agent}'s turn ${point.turn}: Enter to step, c to run to the end `);
    const next = await this.lines.next();
    if (next.done || next.value.trim() === 'c') this.running = true;
  }

  close(): void {
    this.rl.close();
  }
}
