import Table from 'cli-table3';
import { diffJournals, diffSide } from '../replay/journalDiff';
import { int } from './agentTable';
import { usd, ms } from './formatUnits';
import { ExitCode, type CliIo } from './cliIo';
import { readJournalArg } from './journalArg';
import { paintFor } from './paint';
import { eventLine as line } from '../replay/eventLine';

export interface DiffArgs {
  a: string;
  b: string;
  workspace: string;
  json: boolean;
}

/** `squad diff RUN_A RUN_B`: where two runs part, and what each cost. Exit 0 if they never part. */
export async function diffCommand(args: DiffArgs, io: CliIo): Promise<number> {
  const a = await readJournalArg(args.a, io.cwd, args.workspace);
  const b = await readJournalArg(args.b, io.cwd, args.workspace);
  const diff = diffJournals(a.events, b.events);
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ a: a.path, b: b.path, shared: diff.shared, parting: diff.parting, costs: { a: diffSide(diff.a), b: diffSide(diff.b) } })}\n`);
    return diff.parting ? ExitCode.failed : ExitCode.completed;
  }
  const paint = paintFor(io.stdout, io.env);
  if (!diff.parting) io.stdout.write(`${paint.green('=')} the two runs make the same ${diff.shared} decisions\n`);
  else {
    io.stdout.write(`the runs share ${diff.shared} events and part at event ${diff.parting.seq}${diff.parting.fields.length ? ` (${diff.parting.fields.join(', ')})` : ''}:\n`);
    io.stdout.write(`  A: ${diff.parting.expected ? line(diff.parting.expected) : '(ended)'}\n`);
    io.stdout.write(`  B: ${diff.parting.actual ? line(diff.parting.actual) : '(ended)'}\n`);
  }
  const table = new Table({ head: ['', 'A', 'B'].map((h) => paint.bold(h)), colAligns: ['left', 'right', 'right'], style: { head: [], border: [] } });
  table.push(
    ['run', diff.a.runId ?? '', diff.b.runId ?? ''],
    ['status', diff.a.status, diff.b.status],
    ['events', int(diff.a.events), int(diff.b.events)],
    ['tokens in / out', `${int(diff.a.totals.inputTokens)} / ${int(diff.a.totals.outputTokens)}`, `${int(diff.b.totals.inputTokens)} / ${int(diff.b.totals.outputTokens)}`],
    ['cost', usd(diff.a.totals.costUsd), usd(diff.b.totals.costUsd)],
    ['virtual time', ms(diff.a.virtualMs), ms(diff.b.virtualMs)],
    ['guardrail trips', String(diff.a.guardrails.length), String(diff.b.guardrails.length)],
  );
  for (const agent of new Set([...Object.keys(diff.a.agents), ...Object.keys(diff.b.agents)])) {
    table.push([`  ${agent}`, usd(diff.a.agents[agent]?.costUsd ?? 0), usd(diff.b.agents[agent]?.costUsd ?? 0)]);
  }
  io.stdout.write(`${table.toString()}\n`);
  return diff.parting ? ExitCode.failed : ExitCode.completed;
}
