import Table from 'cli-table3';
import type { RunSummary } from './runSummary';
import { ms, usd } from './formatUnits';
import type { Paint } from './paint';

/** The per-agent table `squad run` prints: one row per agent, a total row, numbers right-aligned. */
export function agentTable(summary: RunSummary, paint: Paint): string {
  const table = new Table({
    head: ['agent', 'turns', 'tokens in', 'cached', 'tokens out', 'cost', 'tool calls', 'model time', 'tool time'].map((h) => paint.bold(h)),
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  const rows = Object.entries(summary.agents);
  for (const [name, a] of rows) {
    table.push([name, a.turns, int(a.inputTokens), int(a.cachedInputTokens), int(a.outputTokens), usd(a.costUsd), a.toolCalls, ms(a.modelMs), ms(a.toolMs)]);
  }
  const sum = (f: (a: RunSummary['agents'][string]) => number): number => rows.reduce((s, [, a]) => s + f(a), 0);
  table.push(
    [
      'total',
      sum((a) => a.turns),
      int(summary.usage.inputTokens),
      int(summary.usage.cachedInputTokens),
      int(summary.usage.outputTokens),
      usd(summary.usage.costUsd),
      sum((a) => a.toolCalls),
      ms(sum((a) => a.modelMs)),
      ms(sum((a) => a.toolMs)),
    ].map((cell) => paint.bold(String(cell))),
  );
  return table.toString();
}

/** One formatter for every cell: `toLocaleString` builds a new one per call (milliseconds each at start-up). */
const INTEGER = new Intl.NumberFormat('en-US');

export function int(n: number): string {
  return INTEGER.format(n);
}
