import { describe, expect, it } from 'vitest';
import { seededRandom } from '../randomSource';
import { backoffCeiling, backoffDelay, equalJitterDelay } from './backoff';

describe('backoff', () => {
  it('doubles the ceiling from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 10].map((n) => backoffCeiling(n, 500, 4000))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(backoffCeiling(0, 500, 4000)).toBe(500);
  });

  it('draws full jitter in [0, ceiling] and equal jitter in [ceiling/2, ceiling], one draw each', () => {
    const a = seededRandom(11);
    const b = seededRandom(11);
    for (let attempt = 1; attempt <= 8; attempt++) {
      const full = backoffDelay(attempt, 50, 1000, a);
      const equal = equalJitterDelay(attempt, 50, 1000, b);
      const ceiling = backoffCeiling(attempt, 50, 1000);
      expect(full).toBeGreaterThanOrEqual(0);
      expect(full).toBeLessThanOrEqual(ceiling);
      expect(equal).toBeGreaterThanOrEqual(ceiling / 2 - 0.5);
      expect(equal).toBeLessThanOrEqual(ceiling);
      // Same stream position after each: a run's later draws do not depend on which jitter it used.
      expect(a.next()).toBe(b.next());
    }
  });
});
