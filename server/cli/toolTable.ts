import Table from 'cli-table3';
import { int } from './agentTable';
import { ms } from './formatUnits';
import type { Paint } from './paint';
import type { RunSummary } from './runSummary';

/**
 * The per-tool table `squad run` prints after the agent table when the squad called MCP tools:
 * calls, errors (by kind), retries, failovers and latency percentiles, then a line per server whose
 * replicas went down. Empty when no tool was called.
 */
export function toolTable(summary: Pick<RunSummary, 'tools' | 'toolServers'>, paint: Paint): string {
  const rows = Object.entries(summary.tools).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return '';
  const table = new Table({
    head: ['tool', 'calls', 'errors', 'retries', 'failovers', 'p50', 'p99', 'max'].map((h) => paint.bold(h)),
    colAligns: ['left', 'right', 'left', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const [name, t] of rows) {
    const kinds = Object.entries(t.errorKinds).map(([kind, n]) => `${n} ${kind}`);
    const errors = t.errors === 0 ? '0' : paint.red(`${t.errors}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`);
    const failovers = t.failovers === 0 ? '0' : paint.yellow(String(t.failovers));
    table.push([name, int(t.calls), errors, int(t.retries), failovers, ms(t.p50Ms), ms(t.p99Ms), ms(t.maxMs)]);
  }
  const lines = [table.toString()];
  for (const [server, s] of Object.entries(summary.toolServers)) {
    if (s.replicaDowns === 0) continue;
    lines.push(paint.yellow(`⚠ ${server}: a replica went down ${s.replicaDowns} time${s.replicaDowns === 1 ? '' : 's'}, ${s.replicaUps} restart${s.replicaUps === 1 ? '' : 's'}`));
  }
  return lines.join('\n');
}
