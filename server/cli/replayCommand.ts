import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { RunEvent } from '../../protocol/runEvent';
import type { RunControl } from '../engine/runControl';
import { describe as describeDivergence } from '../replay/divergence';
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
  io.stdout.write(`${paint.red('✖')} diverged at seq ${d.seq}: ${describeDivergence(d)}\n`);
  io.stdout.write(`  journal: ${d.expected ? line(d.expected) : '(ended)'}\n`);
  io.stdout.write(`  re-run:  ${d.actual ? line(d.actual) : '(ended)'}\n`);
  for (const field of d.fields.slice(0, 6)) {
    const show = (e: RunEvent | null): string => JSON.stringify(e ? (e as unknown as Record<string, unknown>)[field] : null)?.slice(0, 160) ?? 'undefined';
    io.stdout.write(paint.dim(`  ${field}: ${show(d.expected)} → ${show(d.actual)}\n`));
  }
  return ExitCode.failed;
}

/** One event as a line: what happened, to whom, with the figure that matters. */
export function line(e: RunEvent): string {
  switch (e.type) {
    case 'message.sent':
      return `${e.from ?? 'task'} → ${e.to} ${e.kind}: ${e.content.replace(/\s+/g, ' ').slice(0, 80)}`;
    case 'model.request':
      return `${e.agent} asks ${e.model} (${e.inputTokensEstimate} tokens)`;
    case 'model.response':
      return `${e.agent} ← ${e.toolCalls.map((c) => c.name).join(', ') || 'text'} in ${e.latencyMs} ms, $${e.costUsd.toFixed(5)}`;
    case 'tool.call':
      return `${e.agent} calls ${e.tool}`;
    case 'tool.result':
      return `${e.agent} ← ${e.tool} ${e.ok ? 'ok' : 'failed'} in ${e.latencyMs} ms`;
    case 'guardrail.tripped':
      return `guardrail ${e.kind} [${e.action}]: ${e.message}`;
    case 'run.completed':
      return `run ${e.status}${e.reason ? `: ${e.reason}` : ''}`;
    default:
      return `${e.type}${e.agent ? ` ${e.agent}` : ''}`;
  }
}

/** `--step`: the replay stops before each turn until the user presses Enter ("c" runs to the end). */
class LineStepper implements RunControl {
  private readonly lines: AsyncIterator<string>;
  private readonly rl;
  private running = false;

  constructor(stdin: NodeJS.ReadableStream, private readonly io: CliIo) {
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
