import type { Forecast } from '../../protocol/api/forecastResponse';
import type { SquadFile } from '../../protocol/squadFile';
import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import { DEFAULT_TENANT_POLICY } from '../../protocol/api/tenantPolicy';
import type { ForecastSample } from './gateJobs';
import { peakTraffic } from './peakTraffic';

export interface Quantiles {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ForecastInput {
  squad: SquadFile;
  file: string;
  profile: string;
  runsPerDay: number;
  days: number;
  peakFactor: number;
  tenants: TenantsFile | null;
}

/** What `squad forecast --json` prints (and the web app's chart draws): its schema is protocol/api/forecastResponse.ts. */
export type { Forecast };

/** Nearest-rank quantiles of a sample (the figure some run actually reached, never an interpolation). */
export function quantiles(values: readonly number[]): Quantiles {
  if (values.length === 0) return { mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { mean: sorted.reduce((s, v) => s + v, 0) / sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

/**
 * Folds the K sampled runs into a forecast at the volume asked: cost per run and at volume, per agent
 * and per tenant, the share of runs tripping each guardrail, run time, and rate-limit headroom at
 * peak (headroom = 1 − peak / limit: 0.4 is 40% to spare, negative is over the limit).
 */
export function forecastOf(samples: readonly ForecastSample[], input: ForecastInput, wallMs: number): Forecast {
  const n = samples.length;
  const cost = quantiles(samples.map((s) => s.costUsd));
  const perDay = cost.mean * input.runsPerDay;
  const agentNames = [...new Set(samples.flatMap((s) => Object.keys(s.agents)))];
  const agents = Object.fromEntries(
    agentNames.map((name) => {
      const mean = samples.reduce((s, x) => s + (x.agents[name] ?? 0), 0) / Math.max(1, n);
      return [name, { meanCostUsd: mean, share: cost.mean > 0 ? mean / cost.mean : 0, costPerDayUsd: mean * input.runsPerDay }];
    }),
  );
  const statuses: Record<string, number> = {};
  const tripCounts: Record<string, number> = {};
  for (const s of samples) {
    statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    for (const k of s.trips) tripCounts[k] = (tripCounts[k] ?? 0) + 1;
  }
  const tenantIds = input.tenants && Object.keys(input.tenants.tenants).length > 0 ? Object.keys(input.tenants.tenants) : ['default'];
  const peak = peakTraffic(samples, { runsPerDay: input.runsPerDay, peakFactor: input.peakFactor, tenants: tenantIds });
  const rateLimits: Forecast['rateLimits'] = {};
  for (const [model, p] of Object.entries(peak.byModel)) {
    const limit = input.squad.models[model]?.rateLimit;
    const rpm = limit?.requestsPerMinute ?? null;
    const tpm = limit?.tokensPerMinute ?? null;
    rateLimits[model] = {
      ...p,
      limit: { requestsPerMinute: rpm, tokensPerMinute: tpm },
      headroom: { requests: rpm === null ? null : 1 - p.requestsPerMinute / rpm, tokens: tpm === null ? null : 1 - p.tokensPerMinute / tpm },
    };
  }
  const tenants: Forecast['tenants'] = {};
  for (const id of tenantIds) {
    const policy = { ...DEFAULT_TENANT_POLICY, ...defined(input.tenants?.defaults ?? {}), ...defined(input.tenants?.tenants[id] ?? {}) };
    const runsPerDay = input.runsPerDay / tenantIds.length;
    const costPerDayUsd = cost.mean * runsPerDay;
    const p = peak.byTenant[id] ?? { requestsPerMinute: 0, tokensPerMinute: 0 };
    tenants[id] = {
      runsPerDay,
      costPerDayUsd,
      dailyBudgetUsd: policy.dailyBudgetUsd,
      budgetUsed: policy.dailyBudgetUsd > 0 ? costPerDayUsd / policy.dailyBudgetUsd : null,
      ...p,
      limit: { requestsPerMinute: policy.requestsPerMinute, tokensPerMinute: policy.tokensPerMinute, maxConcurrentRuns: policy.maxConcurrentRuns },
      concurrentRuns: Math.ceil(peak.peakConcurrentRuns / tenantIds.length),
    };
  }
  const seeds = samples.map((s) => s.seed);
  return {
    squad: input.squad.name,
    file: input.file,
    profile: input.profile,
    runs: n,
    seeds: { first: Math.min(...seeds), last: Math.max(...seeds) },
    runsPerDay: input.runsPerDay,
    days: input.days,
    costPerRunUsd: cost,
    costPerDayUsd: perDay,
    costPerMonthUsd: perDay * 30,
    costForPeriodUsd: perDay * input.days,
    costHistogram: histogram(
      samples.map((s) => s.costUsd),
      20,
    ),
    agents,
    statuses,
    trips: Object.fromEntries(Object.entries(tripCounts).map(([k, c]) => [k, c / n])),
    runTimeMs: quantiles(samples.map((s) => s.virtualMs)),
    peak: { factor: input.peakFactor, hourRuns: peak.peakHourRuns, concurrentRuns: peak.peakConcurrentRuns },
    rateLimits,
    tenants,
    wallMs: Math.round(wallMs),
  };
}

export function histogram(values: readonly number[], bins: number): Forecast['costHistogram'] {
  if (values.length === 0) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi === lo) return [{ fromUsd: lo, toUsd: hi, runs: values.length }];
  const width = (hi - lo) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ fromUsd: lo + i * width, toUsd: lo + (i + 1) * width, runs: 0 }));
  for (const v of values) out[Math.min(bins - 1, Math.floor((v - lo) / width))]!.runs += 1;
  return out;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
