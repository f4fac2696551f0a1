import type { RunSample } from './loadDriver';

export interface TenantLoadFigures {
  tenant: string;
  runs: number;
  completed: number;
  failed: number;
  halted: number;
  /** Refused at the door (429) and refused when their turn came (budget). */
  refused: number;
  p50VirtualMs: number;
  p99VirtualMs: number;
  p50QueuedMs: number;
  p99QueuedMs: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  rateLimitRefusals: number;
  costUsd: number;
}

/** One instance of a replicated agent over the whole load. */
export interface InstanceLoadFigures {
  instance: string;
  /** Runs it took work in, and its turns in them. */
  runs: number;
  turns: number;
  /** Virtual time in model and tool calls. */
  busyMs: number;
  /** busyMs over the virtual time of every run that reported instances: how loaded it was. */
  utilization: number;
}

export interface LoadReport {
  runs: number;
  wallMs: number;
  runsPerSecond: number;
  virtualMsTotal: number;
  overall: TenantLoadFigures;
  tenants: TenantLoadFigures[];
  /** Per instance of each replicated agent; empty when the squad has none. */
  instances: InstanceLoadFigures[];
}

/** The figures `squad load` reports: overall and per tenant. A pure fold of the samples. */
export function loadReport(samples: readonly RunSample[], wallMs: number): LoadReport {
  const tenants = [...new Set(samples.map((s) => s.tenant))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const ran = samples.filter((s) => !s.refusedAtStart);
  return {
    runs: samples.length,
    wallMs: Math.round(wallMs),
    runsPerSecond: wallMs > 0 ? Math.round((ran.length / wallMs) * 1000 * 10) / 10 : 0,
    virtualMsTotal: ran.reduce((a, s) => a + s.virtualMs, 0),
    overall: figures('all', samples),
    tenants: tenants.map((t) =>
      figures(
        t,
        samples.filter((s) => s.tenant === t),
      ),
    ),
    instances: instanceFigures(ran),
  };
}

function instanceFigures(ran: readonly RunSample[]): InstanceLoadFigures[] {
  const reporting = ran.filter((s) => s.instances !== undefined);
  const runTime = reporting.reduce((a, s) => a + s.virtualMs, 0);
  const by = new Map<string, InstanceLoadFigures>();
  for (const s of reporting) {
    for (const [instance, x] of Object.entries(s.instances!)) {
      let f = by.get(instance);
      if (!f) by.set(instance, (f = { instance, runs: 0, turns: 0, busyMs: 0, utilization: 0 }));
      f.runs += x.turns > 0 ? 1 : 0;
      f.turns += x.turns;
      f.busyMs += x.busyMs;
    }
  }
  return [...by.values()]
    .map((f) => ({ ...f, busyMs: Math.round(f.busyMs), utilization: runTime > 0 ? Math.round((f.busyMs / runTime) * 1000) / 1000 : 0 }))
    .sort((a, b) => a.instance.localeCompare(b.instance, 'en', { numeric: true }));
}

function figures(tenant: string, s: readonly RunSample[]): TenantLoadFigures {
  const ran = s.filter((x) => !x.refusedAtStart && x.state !== 'refused');
  const virtual = ran.filter((x) => x.state === 'completed').map((x) => x.virtualMs);
  const queued = ran.map((x) => x.queuedMs);
  return {
    tenant,
    runs: s.length,
    completed: s.filter((x) => x.state === 'completed').length,
    failed: s.filter((x) => x.state === 'failed').length,
    halted: s.filter((x) => x.state === 'halted').length,
    refused: s.filter((x) => x.state === 'refused').length,
    p50VirtualMs: percentile(virtual, 0.5),
    p99VirtualMs: percentile(virtual, 0.99),
    p50QueuedMs: percentile(queued, 0.5),
    p99QueuedMs: percentile(queued, 0.99),
    rateLimitWaits: ran.reduce((a, x) => a + x.rateLimit.waits, 0),
    rateLimitWaitMs: Math.round(ran.reduce((a, x) => a + x.rateLimit.waitMs, 0)),
    rateLimitRefusals: ran.reduce((a, x) => a + x.rateLimit.refusals, 0),
    costUsd: Math.round(ran.reduce((a, x) => a + x.costUsd, 0) * 1e8) / 1e8,
  };
}

/** Nearest-rank percentile; 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
