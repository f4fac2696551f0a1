import type { RunEvent } from './runEvent';

/** The running tally of one tool ("server.tool") over a run. */
export interface ToolTally {
  calls: number;
  errors: number;
  /** Failed calls by reason (timeout, unavailable, tool, …). */
  errorKinds: Record<string, number>;
  /** Attempts beyond the first, over every call. */
  retries: number;
  failovers: number;
  bytes: number;
  /** Every call's latency, for percentiles (a run makes thousands of calls at most, not millions). */
  latencies: number[];
}

/** Replica changes of one tool server over a run. */
export interface ServerTally {
  replicaDowns: number;
  replicaUps: number;
}

export interface ToolStats {
  tools: Record<string, ToolTally>;
  servers: Record<string, ServerTally>;
}

export function emptyToolStats(): ToolStats {
  return { tools: {}, servers: {} };
}

/**
 * Per-tool statistics as a fold over the journal (`tool.result`, `tool.failover`, replica events):
 * the live run, the CLI's table and a saved journal read back give the same figures. Mutates and
 * returns `stats`.
 */
export function applyToolEvent(stats: ToolStats, e: RunEvent): ToolStats {
  switch (e.type) {
    case 'tool.result': {
      const t = tally(stats, e.tool);
      t.calls += 1;
      t.bytes += e.bytes;
      t.latencies.push(e.latencyMs);
      t.retries += Math.max(0, (e.attempts ?? 1) - 1);
      if (!e.ok) {
        t.errors += 1;
        const kind = e.error ?? 'tool';
        t.errorKinds[kind] = (t.errorKinds[kind] ?? 0) + 1;
      }
      break;
    }
    case 'tool.failover':
      tally(stats, e.tool).failovers += 1;
      break;
    case 'tool.replica.down':
      server(stats, e.server).replicaDowns += 1;
      break;
    case 'tool.replica.up':
      server(stats, e.server).replicaUps += 1;
      break;
    default:
      break;
  }
  return stats;
}

/** What a table or `--json` shows of one tool. */
export interface ToolSummary {
  calls: number;
  errors: number;
  errorKinds: Record<string, number>;
  retries: number;
  failovers: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  bytes: number;
}

export function summarizeTool(t: ToolTally): ToolSummary {
  const sorted = [...t.latencies].sort((a, b) => a - b);
  return {
    calls: t.calls,
    errors: t.errors,
    errorKinds: { ...t.errorKinds },
    retries: t.retries,
    failovers: t.failovers,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? 0,
    bytes: t.bytes,
  };
}

/** Nearest-rank percentile of sorted values (0 for none): always a latency that really happened. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function tally(stats: ToolStats, tool: string): ToolTally {
  return (stats.tools[tool] ??= { calls: 0, errors: 0, errorKinds: {}, retries: 0, failovers: 0, bytes: 0, latencies: [] });
}

function server(stats: ToolStats, name: string): ServerTally {
  return (stats.servers[name] ??= { replicaDowns: 0, replicaUps: 0 });
}
