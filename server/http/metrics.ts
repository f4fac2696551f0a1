import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunEvent } from '../../protocol/runEvent';
import { COSTED_EVENT_TYPES } from '../../protocol/runAccount';
import type { RunObserver, RunStartedInfo } from '../runs/runObserver';
import type { FleetSource } from './metricsFleet';

/** Seconds; model calls run from milliseconds (simulated, cached) to minutes (long generations). */
const CALL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Seconds from an append to its fsync: group commit keeps it within milliseconds on a healthy disk. */
const APPEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * The process's Prometheus metrics (`/metrics`), in a registry of its own (no global state: two
 * servers in one process, as in tests, keep theirs apart).
 *
 * What it counts is a fold over the events this process journals, as a `RunObserver`: runs started
 * and ended by tenant and status, model and tool calls (latency as journaled, errors) by model and
 * tool server, guardrail trips by kind, spend by tenant. A resumed run's events up to where an
 * earlier process left it (`resumedAfterSeq`) are replayed, not journaled again, and are not counted
 * twice. What is a state rather than a count (runs by state, the queue, tenants' spend today against
 * their budget) is read from a `FleetSource` at each scrape. Counters are per process: Prometheus
 * sums them over the fleet's pods (`sum by (tenant) (rate(squad_spend_usd_total[5m]))`).
 */
export class SquadMetrics implements RunObserver {
  readonly registry = new Registry();
  private readonly runs = new Map<string, { tenant: string; skipUpTo: number; calls: Map<string, { provider: string; model: string }> }>();

  private readonly runsStarted = new Counter({
    name: 'squad_runs_started_total',
    help: 'Runs this process started executing, by tenant (resumed runs included).',
    labelNames: ['tenant'],
    registers: [this.registry],
  });
  private readonly runsEnded = new Counter({
    name: 'squad_runs_completed_total',
    help: 'Runs this process ended (run.completed), by tenant and status.',
    labelNames: ['tenant', 'status'],
    registers: [this.registry],
  });
  private readonly resumes = new Counter({
    name: 'squad_runs_resumed_total',
    help: 'Runs this process picked up from their journal (after a crash, a shutdown or a lease that expired).',
    registers: [this.registry],
  });
  private readonly leaseExpiries = new Counter({
    name: 'squad_lease_expiries_total',
    help: 'Run leases that expired before their holder completed or released them (the holder died or lost the store).',
    registers: [this.registry],
  });
  private readonly modelCalls = new Histogram({
    name: 'squad_model_call_seconds',
    help: 'Model call latency as journaled (model.response and model.failed), by provider and model.',
    labelNames: ['provider', 'model', 'outcome'],
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });
  private readonly modelErrors = new Counter({
    name: 'squad_model_call_errors_total',
    help: 'Failed model calls (model.failed), by provider and model; retried: whether the run tries again.',
    labelNames: ['provider', 'model', 'retried'],
    registers: [this.registry],
  });
  private readonly toolCalls = new Histogram({
    name: 'squad_tool_call_seconds',
    help: 'MCP tool call latency as journaled (tool.result), by tool server and tool.',
    labelNames: ['server', 'tool', 'outcome'],
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });
  private readonly toolErrors = new Counter({
    name: 'squad_tool_call_errors_total',
    help: 'Failed tool calls (tool.result ok=false), by tool server, tool and error kind.',
    labelNames: ['server', 'tool', 'error'],
    registers: [this.registry],
  });
  private readonly trips = new Counter({
    name: 'squad_guardrail_trips_total',
    help: 'Guardrail trips (guardrail.tripped), by kind, action and tenant.',
    labelNames: ['kind', 'action', 'tenant'],
    registers: [this.registry],
  });
  private readonly spend = new Counter({
    name: 'squad_spend_usd_total',
    help: 'Spend journaled by this process (model responses, failed calls, summaries), by tenant, in US dollars.',
    labelNames: ['tenant'],
    registers: [this.registry],
  });
  private readonly journalAppend = new Histogram({
    name: 'squad_journal_append_seconds',
    help: 'From a journal append until it is durable (the oldest event of each group commit), by store.',
    labelNames: ['store'],
    buckets: APPEND_BUCKETS,
    registers: [this.registry],
  });

  constructor(fleet: FleetSource | null, options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    if (fleet) registerFleetGauges(this.registry, fleet);
  }

  // ── RunObserver ───────────────────────────────────────────────────────────────────────────────

  runStarted(run: RunStartedInfo): void {
    this.runs.set(run.id, { tenant: run.tenant, skipUpTo: run.resumedAfterSeq ?? 0, calls: new Map() });
    this.runsStarted.inc({ tenant: run.tenant });
    if (run.resumedAfterSeq !== undefined) this.resumes.inc();
  }

  event(id: string, e: RunEvent): void {
    const run = this.runs.get(id);
    if (!run) return;
    if (e.type === 'model.request') {
      // Remembered even when replayed: the response that follows may be new.
      if (e.agent !== null) run.calls.set(e.agent, { provider: e.provider, model: e.model });
    }
    if (e.seq <= run.skipUpTo) return;
    const tenant = run.tenant;
    if (COSTED_EVENT_TYPES.has(e.type) && 'costUsd' in e && typeof e.costUsd === 'number' && e.costUsd > 0) this.spend.inc({ tenant }, e.costUsd);
    switch (e.type) {
      case 'model.response':
      case 'model.failed': {
        const call = (e.agent !== null ? run.calls.get(e.agent) : undefined) ?? { provider: 'unknown', model: 'unknown' };
        const failed = e.type === 'model.failed';
        this.modelCalls.observe({ ...call, outcome: failed ? 'error' : 'ok' }, e.latencyMs / 1000);
        if (e.type === 'model.failed') this.modelErrors.inc({ ...call, retried: String(e.retryInMs !== null) });
        break;
      }
      case 'tool.result': {
        const server = serverOf(e.tool);
        this.toolCalls.observe({ server, tool: e.tool, outcome: e.ok ? 'ok' : 'error' }, e.latencyMs / 1000);
        if (!e.ok) this.toolErrors.inc({ server, tool: e.tool, error: e.error ?? 'tool' });
        break;
      }
      case 'guardrail.tripped':
        this.trips.inc({ kind: e.kind, action: e.action, tenant });
        break;
      case 'run.completed':
        this.runsEnded.inc({ tenant, status: e.status });
        break;
      default:
        break;
    }
  }

  runEnded(id: string): void {
    this.runs.delete(id);
  }

  // ── what the store and the queue report ───────────────────────────────────────────────────────

  /** One group commit of a journal store: `seconds` from its oldest append until durable. */
  journalAppended(store: string, seconds: number): void {
    this.journalAppend.observe({ store }, seconds);
  }

  leaseExpired(count = 1): void {
    this.leaseExpiries.inc(count);
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** `bureau.lookup` → `bureau`: tools are named `server.tool`. */
function serverOf(tool: string): string {
  const dot = tool.indexOf('.');
  return dot > 0 ? tool.slice(0, dot) : 'unknown';
}

function registerFleetGauges(registry: Registry, fleet: FleetSource): void {
  // One snapshot per scrape, shared by the gauges below (each gauge's collect runs in the same scrape).
  let pending: ReturnType<FleetSource['snapshot']> | null = null;
  const snapshot = (): ReturnType<FleetSource['snapshot']> => {
    pending ??= fleet.snapshot().finally(() => queueMicrotask(() => (pending = null)));
    return pending;
  };
  new Gauge({
    name: 'squad_runs',
    help: 'Runs not yet ended, by state (queued, running, paused) and tenant.',
    labelNames: ['state', 'tenant'],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const r of s.runs) this.set({ state: r.state, tenant: r.tenant }, r.count);
    },
  });
  new Gauge({
    name: 'squad_queue_depth',
    help: 'Runs waiting for a worker (queued, not claimed). The HorizontalPodAutoscaler scales workers on it.',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).queue.depth);
    },
  });
  new Gauge({
    name: 'squad_queue_oldest_age_seconds',
    help: 'How long the oldest queued run has waited; 0 when the queue is empty.',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).queue.oldestAgeSeconds);
    },
  });
  new Gauge({
    name: 'squad_tenant_spend_today_usd',
    help: "A tenant's spend today (UTC), across the fleet as far as the store knows it, in US dollars.",
    labelNames: ['tenant'],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const t of s.tenants) this.set({ tenant: t.id }, t.spentTodayUsd);
    },
  });
  new Gauge({
    name: 'squad_tenant_budget_usd',
    help: "A tenant's daily budget, in US dollars.",
    labelNames: ['tenant'],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const t of s.tenants) this.set({ tenant: t.id }, t.dailyBudgetUsd);
    },
  });
}
