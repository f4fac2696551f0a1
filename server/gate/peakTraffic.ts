import { seededRandom } from '../engine/randomSource';
import type { ForecastSample } from './gateJobs';

/** Requests and tokens per minute in the busiest minute, for one model (or all, for a tenant). */
export interface PeakRate {
  requestsPerMinute: number;
  tokensPerMinute: number;
}

export interface PeakTrafficOptions {
  runsPerDay: number;
  /** The busiest hour carries this many times an average hour's runs. */
  peakFactor: number;
  /** Tenants the runs are spread over, evenly (each arrival goes to one, at random). */
  tenants: readonly string[];
  /** Seed of the arrival process: the same inputs give the same peak. */
  seed?: number;
  /** Arrivals simulated at most; past it each stands for several runs (a thinned Poisson process). */
  maxArrivals?: number;
}

export interface PeakTraffic {
  byModel: Record<string, PeakRate>;
  byTenant: Record<string, PeakRate>;
  /** Runs in flight at once in the busiest minute (started, not yet ended), the bulkhead's figure. */
  peakConcurrentRuns: number;
  /** Runs that start in the peak hour. */
  peakHourRuns: number;
}

const MINUTE = 60_000;

/**
 * The busiest minute of the busiest hour: runs arrive as a Poisson process at
 * `runsPerDay / 24 × peakFactor` an hour, each a run drawn from the forecast's samples, whose
 * model calls land at its start plus the call's own time in the run. Calls are counted per minute
 * of wall time, per model and per tenant; the peak is the largest minute of the hour. Runs that
 * started before the hour (as long before as the longest sample) are simulated too, so the first
 * minutes are not emptier than production's.
 */
export function peakTraffic(samples: readonly ForecastSample[], options: PeakTrafficOptions): PeakTraffic {
  const random = seededRandom(options.seed ?? 1);
  const perHour = (options.runsPerDay / 24) * options.peakFactor;
  const lead = Math.max(0, ...samples.map((s) => s.virtualMs));
  const spanMs = lead + 60 * MINUTE;
  const expected = (perHour * spanMs) / (60 * MINUTE);
  const maxArrivals = options.maxArrivals ?? 200_000;
  const weight = Math.max(1, expected / maxArrivals);
  const rate = expected / weight / spanMs; // simulated arrivals per ms
  const minutes = Math.ceil(spanMs / MINUTE) + Math.ceil(lead / MINUTE) + 1;
  const models = new Map<string, { req: Float64Array; tok: Float64Array }>();
  const tenants = new Map<string, { req: Float64Array; tok: Float64Array }>();
  const buckets = (map: Map<string, { req: Float64Array; tok: Float64Array }>, key: string) => {
    let b = map.get(key);
    if (!b) map.set(key, (b = { req: new Float64Array(minutes), tok: new Float64Array(minutes) }));
    return b;
  };
  const inFlight = new Float64Array(minutes);
  const tenantList = options.tenants.length > 0 ? options.tenants : ['default'];
  let t = 0;
  let hourRuns = 0;
  if (samples.length > 0 && rate > 0) {
    for (;;) {
      t += -Math.log(1 - random.next()) / rate;
      if (t >= spanMs) break;
      if (t >= lead) hourRuns += weight;
      const run = samples[Math.floor(random.next() * samples.length)]!;
      const tenant = buckets(tenants, tenantList[Math.floor(random.next() * tenantList.length)]!);
      for (let m = Math.floor(t / MINUTE); m <= Math.floor((t + run.virtualMs) / MINUTE) && m < minutes; m++) inFlight[m]! += weight;
      for (const [model, calls] of Object.entries(run.calls)) {
        const b = buckets(models, model);
        for (const [at, tokens] of calls) {
          const m = Math.floor((t + at) / MINUTE);
          if (m >= minutes) continue;
          b.req[m]! += weight;
          b.tok[m]! += tokens * weight;
          tenant.req[m]! += weight;
          tenant.tok[m]! += tokens * weight;
        }
      }
    }
  }
  // The hour is [lead, lead + 60 min): the minutes before it only warm it up.
  const first = Math.floor(lead / MINUTE);
  const last = first + 60;
  const peakOf = (b: { req: Float64Array; tok: Float64Array }): PeakRate => ({
    requestsPerMinute: Math.round(max(b.req, first, last)),
    tokensPerMinute: Math.round(max(b.tok, first, last)),
  });
  return {
    byModel: Object.fromEntries([...models].map(([k, b]) => [k, peakOf(b)])),
    byTenant: Object.fromEntries(tenantList.map((k) => [k, tenants.has(k) ? peakOf(tenants.get(k)!) : { requestsPerMinute: 0, tokensPerMinute: 0 }])),
    peakConcurrentRuns: Math.round(max(inFlight, first, last)),
    peakHourRuns: Math.round(hourRuns),
  };
}

function max(values: Float64Array, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to && i < values.length; i++) if (values[i]! > m) m = values[i]!;
  return m;
}
