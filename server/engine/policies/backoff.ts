import type { RandomSource } from '../randomSource';

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): the
 * delay before retry `attempt` (1-based) is uniform in [0, min(maxMs, baseMs · 2^(attempt-1))]. Full
 * jitter spreads a burst of retries the most, which is what keeps a recovering provider alive. Drawn
 * from the run's random source, so a run's retries are reproducible.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: RandomSource): number {
  return Math.round(random.next() * backoffCeiling(attempt, baseMs, maxMs));
}

/**
 * Exponential backoff with equal jitter: half the ceiling fixed, half drawn, so the wait is never
 * short. For restarting a crashed process, where an immediate retry would only crash it again.
 */
export function equalJitterDelay(attempt: number, baseMs: number, maxMs: number, random: RandomSource): number {
  const ceiling = backoffCeiling(attempt, baseMs, maxMs);
  return Math.round(ceiling / 2 + (random.next() * ceiling) / 2);
}

/** min(maxMs, baseMs · 2^(attempt-1)): the longest wait before retry `attempt` (1-based). */
export function backoffCeiling(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
