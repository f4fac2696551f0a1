import { describe, expect, it } from 'vitest';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import type { SquadFile } from '../../protocol/squadFile';
import { forecastOf, histogram, quantiles } from './forecastStats';
import type { ForecastSample } from './gateJobs';
import { peakTraffic } from './peakTraffic';

const parsed = parseSquadFile(
  `version: 1
name: f
task: { entry: a, input: Go. }
models:
  m: { provider: simulated, model: gpt-4.1, rateLimit: { requestsPerMinute: 100, tokensPerMinute: 50000 } }
  n: { provider: simulated, model: gpt-4.1-mini }
agents:
  a: { role: planner, model: m, script: [{ finish: ok }] }
  b: { role: worker, model: n, script: [{ finish: ok }] }
`,
  'f.squad.yaml',
);
const squad: SquadFile = parsed.ok
  ? parsed.squad
  : (() => {
      throw new Error('fixture');
    })();

/** A run of 10 s: two calls of model m at 0 and 5 s (1,000 tokens each), one of n. */
function sample(seed: number, costUsd: number, trips: ForecastSample['trips'] = []): ForecastSample {
  return {
    kind: 'forecast',
    id: seed,
    seed,
    status: trips.length ? 'halted' : 'completed',
    costUsd,
    agents: { a: costUsd * 0.75, b: costUsd * 0.25 },
    trips,
    virtualMs: 10_000,
    calls: {
      m: [
        [0, 1000],
        [5000, 1000],
      ],
      n: [[2000, 300]],
    },
    wallMs: 5,
  };
}

describe('quantiles', () => {
  it('takes nearest-rank figures some run reached', () => {
    const q = quantiles(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(q).toEqual({ mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(quantiles([3])).toEqual({ mean: 3, p50: 3, p95: 3, p99: 3, max: 3 });
  });
});

describe('histogram', () => {
  it('puts every value in one of N equal bins, the max in the last', () => {
    const h = histogram([1, 2, 3, 4, 5], 4);
    expect(h.map((b) => b.runs)).toEqual([1, 1, 1, 2]);
    expect(h.reduce((s, b) => s + b.runs, 0)).toBe(5);
    expect(histogram([2, 2], 20)).toEqual([{ fromUsd: 2, toUsd: 2, runs: 2 }]);
  });
});

describe('peakTraffic', () => {
  it('counts what a Poisson hour of sampled runs asks of each model in its busiest minute', () => {
    // 14,400 runs a day at factor 1: 600 an hour, 10 a minute; each makes 2 calls of m → ~20 a minute.
    const p = peakTraffic([sample(1, 0.01)], { runsPerDay: 14_400, peakFactor: 1, tenants: ['x', 'y'] });
    expect(p.byModel['m']!.requestsPerMinute).toBeGreaterThan(20);
    expect(p.byModel['m']!.requestsPerMinute).toBeLessThan(45);
    expect(p.byModel['m']!.tokensPerMinute).toBe(p.byModel['m']!.requestsPerMinute * 1000);
    expect(p.byModel['n']!.requestsPerMinute).toBeLessThan(p.byModel['m']!.requestsPerMinute);
    expect(p.peakHourRuns).toBeGreaterThan(500);
    expect(p.peakHourRuns).toBeLessThan(700);
    // Tenants share the arrivals: each sees less than the whole.
    expect(p.byTenant['x']!.requestsPerMinute).toBeLessThan(p.byModel['m']!.requestsPerMinute + p.byModel['n']!.requestsPerMinute);
    expect(p.byTenant['x']!.requestsPerMinute).toBeGreaterThan(0);
  });

  it('scales with the peak factor and is the same for the same inputs', () => {
    const base = peakTraffic([sample(1, 0.01)], { runsPerDay: 14_400, peakFactor: 1, tenants: [] });
    const peak = peakTraffic([sample(1, 0.01)], { runsPerDay: 14_400, peakFactor: 4, tenants: [] });
    // The busiest of 60 Poisson minutes sits further above a small mean than a large one: not quite ×4.
    expect(peak.byModel['m']!.requestsPerMinute).toBeGreaterThan(2.5 * base.byModel['m']!.requestsPerMinute);
    expect(peakTraffic([sample(1, 0.01)], { runsPerDay: 14_400, peakFactor: 1, tenants: [] })).toEqual(base);
  });

  it('thins a huge volume into weighted arrivals instead of simulating each run', () => {
    const p = peakTraffic([sample(1, 0.01)], { runsPerDay: 240_000_000, peakFactor: 1, tenants: [], maxArrivals: 5_000 });
    // 10 million runs an hour, 2 calls each: about 333,000 requests a minute on average; 5,000
    // arrivals of 2,000 runs each make the busiest minute noisier than the real one, not wrong by much.
    expect(p.byModel['m']!.requestsPerMinute).toBeGreaterThan(333_000);
    expect(p.byModel['m']!.requestsPerMinute).toBeLessThan(500_000);
  });
});

describe('forecastOf', () => {
  it('folds the samples into cost at volume, per agent, trips, headroom and tenants', () => {
    const samples = [sample(1, 0.01), sample(2, 0.02), sample(3, 0.03, ['loop']), sample(4, 0.02)];
    const f = forecastOf(
      samples,
      {
        squad,
        file: 'f.squad.yaml',
        profile: 'local',
        runsPerDay: 28_800,
        days: 7,
        peakFactor: 1,
        tenants: { defaults: { dailyBudgetUsd: 100 }, tenants: { acme: {}, globex: { dailyBudgetUsd: 1000 } } },
      },
      1,
    );
    expect(f.costPerRunUsd.mean).toBeCloseTo(0.02, 10);
    expect(f.costPerDayUsd).toBeCloseTo(576, 6);
    expect(f.costPerMonthUsd).toBeCloseTo(576 * 30, 6);
    expect(f.costForPeriodUsd).toBeCloseTo(576 * 7, 6);
    expect(f.agents['a']).toMatchObject({ share: expect.closeTo(0.75, 10) });
    expect(f.trips).toEqual({ loop: 0.25 });
    expect(f.statuses).toEqual({ completed: 3, halted: 1 });
    // 28,800 a day = 20 a minute, 2 calls of m each: ~40 a minute against a limit of 100.
    const m = f.rateLimits['m']!;
    expect(m.limit).toEqual({ requestsPerMinute: 100, tokensPerMinute: 50_000 });
    expect(m.headroom.requests).toBeCloseTo(1 - m.requestsPerMinute / 100, 10);
    // 40,000 tokens a minute on average: the busiest minute goes over the 50,000 limit.
    expect(m.tokensPerMinute).toBeGreaterThan(50_000);
    expect(m.headroom.tokens!).toBeLessThan(0);
    expect(f.rateLimits['n']!.headroom).toEqual({ requests: null, tokens: null });
    expect(Object.keys(f.tenants)).toEqual(['acme', 'globex']);
    expect(f.tenants['acme']).toMatchObject({ runsPerDay: 14_400, costPerDayUsd: expect.closeTo(288, 6), dailyBudgetUsd: 100, budgetUsed: expect.closeTo(2.88, 6) });
    expect(f.tenants['globex']!.budgetUsed).toBeCloseTo(0.288, 6);
    expect(f.costHistogram.reduce((s, b) => s + b.runs, 0)).toBe(4);
  });
});
