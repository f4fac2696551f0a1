import type { ToolLatencyConfig } from '../../protocol/squad/toolConditions';
import { normal, type RandomSource } from '../engine/randomSource';

/** The standard normal quantile at 0.99: p99 = median · exp(sigma · Z99) for a lognormal. */
const Z99 = 2.3263478740408408;

/** Draws one added latency in ms. */
export type LatencySampler = () => number;

/**
 * A latency distribution fixed by its median and 99th percentile, the two figures an SRE dashboard
 * shows. `lognormal` (the default) fits service latency well: most calls near the median, a long
 * tail. `pareto` has a heavier tail for the same two figures (its slowest calls are far slower).
 * p50 = p99 gives a constant. Every draw comes from `random`, so runs replay exactly.
 */
export function latencySampler(spec: ToolLatencyConfig | undefined, random: RandomSource): LatencySampler {
  if (!spec || spec.p99Ms === 0) return () => 0;
  const { p50Ms, p99Ms } = spec;
  if (p99Ms === p50Ms) return () => p50Ms;
  if (spec.distribution === 'pareto') {
    // Quantile q of Pareto(xm, alpha) is xm · (1 - q)^(-1/alpha): p50 = xm · 2^(1/alpha) and
    // p99 = xm · 100^(1/alpha), so p99 / p50 = 50^(1/alpha).
    const alpha = Math.log(50) / Math.log(p99Ms / p50Ms);
    const xm = p50Ms / 2 ** (1 / alpha);
    return () => xm * (1 - random.next()) ** (-1 / alpha);
  }
  const mu = Math.log(p50Ms);
  const sigma = (Math.log(p99Ms) - mu) / Z99;
  return () => Math.exp(mu + sigma * normal(random));
}
