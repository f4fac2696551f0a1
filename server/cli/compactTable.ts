import Table from 'cli-table3';
import type { Paint } from './paint';

/** A report table with a rule under its head and none between rows: forecasts and test runs have many. */
export function compactTable(head: readonly string[], aligns: readonly ('left' | 'right')[], paint: Paint): Table.Table {
  return new Table({
    head: head.map((h) => paint.bold(h)),
    colAligns: [...aligns],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
}
