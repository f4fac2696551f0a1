import { describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/randomSource';
import { latencySampler } from './latencySampler';

/** Nearest-rank percentile of sorted draws. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function draws(n: number, sample: () => number): number[] {
  return Array.from({ length: n }, sample).sort((a, b) => a - b);
}

describe('latencySampler', () => {
  it.each([
    ['lognormal', 120, 400],
    ['lognormal', 80, 900],
    ['pareto', 120, 400],
  ] as const)('10,000 seeded %s draws hit p50 %i ms and p99 %i ms within ±5%%', (distribution, p50Ms, p99Ms) => {
    const sorted = draws(10_000, latencySampler({ p50Ms, p99Ms, distribution }, seededRandom(20_240_611)));
    expect(percentile(sorted, 50) / p50Ms).toBeGreaterThan(0.95);
    expect(percentile(sorted, 50) / p50Ms).toBeLessThan(1.05);
    expect(percentile(sorted, 99) / p99Ms).toBeGreaterThan(0.95);
    expect(percentile(sorted, 99) / p99Ms).toBeLessThan(1.05);
    expect(sorted[0]).toBeGreaterThan(0);
  });

  it('gives pareto a heavier tail than lognormal for the same p50 and p99', () => {
    const spec = { p50Ms: 100, p99Ms: 1000 };
    const logn = draws(10_000, latencySampler({ ...spec, distribution: 'lognormal' }, seededRandom(7)));
    const pareto = draws(10_000, latencySampler({ ...spec, distribution: 'pareto' }, seededRandom(7)));
    expect(percentile(pareto, 99.9)).toBeGreaterThan(percentile(logn, 99.9));
  });

  it('replays the same draws for the same seed', () => {
    const spec = { p50Ms: 50, p99Ms: 500, distribution: 'lognormal' as const };
    const a = draws(100, latencySampler(spec, seededRandom(3)));
    const b = draws(100, latencySampler(spec, seededRandom(3)));
    const c = draws(100, latencySampler(spec, seededRandom(4)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('is constant when p50 equals p99 and zero without a spec, drawing nothing', () => {
    let drawn = 0;
    const random = { next: () => (drawn++, 0.5) };
    expect(latencySampler({ p50Ms: 30, p99Ms: 30, distribution: 'lognormal' }, random)()).toBe(30);
    expect(latencySampler(undefined, random)()).toBe(0);
    expect(drawn).toBe(0);
  });
});
