import type { RandomSource } from '../randomSource';

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): the
 * delay before retry `attempt` (1-based) is uniform in [0, min(maxMs, baseMs · 2^(attempt-1))]. Full
 * jitter spreads a burst of retries the most, which is what keeps a recovering provider alive. Drawn
 * from the run's random source, so a run's retries are reproducible.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: RandomSource): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random.next() * ceiling);
}
