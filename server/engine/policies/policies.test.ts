import { describe, expect, it } from 'vitest';
import { seededRandom } from '../randomSource';
import { backoffDelay } from './backoff';
import { CircuitBreaker } from './circuitBreaker';
import { TokenBucket } from './tokenBucket';

describe('TokenBucket', () => {
  it('lets a burst of up to its capacity through at once, then queues at the sustained rate', () => {
    const b = new TokenBucket(60, 3); // 1 per second sustained, bursts of 3
    expect([b.reserve(1, 0), b.reserve(1, 0), b.reserve(1, 0)]).toEqual([0, 0, 0]);
    expect(b.reserve(1, 0)).toBe(1000);
    expect(b.reserve(1, 0)).toBe(2000);
    // Time refills it: 10 s later the debt is paid and the burst is back.
    expect(b.waitFor(3, 12_000)).toBe(0);
    expect(b.waitFor(4, 12_000)).toBe(1000);
  });

  it('sizes waits by the amount asked, for tokens per minute', () => {
    const tpm = new TokenBucket(60_000, 10_000);
    expect(tpm.reserve(10_000, 0)).toBe(0);
    expect(tpm.reserve(2_000, 0)).toBe(2000);
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});

describe('CircuitBreaker', () => {
  it('opens at the threshold (not one below), refuses during cooldown, then lets one trial through', () => {
    const c = new CircuitBreaker(3, 1000);
    expect(c.failure(0)).toBe(false);
    expect(c.failure(10)).toBe(false);
    expect(c.allow(20)).toBe(true);
    expect(c.failure(20)).toBe(true);
    expect(c.state(500)).toBe('open');
    expect(c.allow(500)).toBe(false);
    expect(c.retryAt()).toBe(1020);
    expect(c.state(1020)).toBe('half-open');
    expect(c.allow(1020)).toBe(true);
    expect(c.allow(1021)).toBe(false); // only one trial at a time
    expect(c.failure(1100)).toBe(true); // the trial failed: open again
    expect(c.allow(1200)).toBe(false);
    expect(c.allow(2100)).toBe(true);
    c.success();
    expect(c.state(2100)).toBe('closed');
    expect(c.consecutiveFailures).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('draws full jitter under an exponential ceiling capped at the maximum', () => {
    const r = seededRandom(9);
    for (const [attempt, ceiling] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [6, 2000],
    ] as const) {
      const draws = Array.from({ length: 400 }, () => backoffDelay(attempt, 100, 2000, r));
      expect(Math.max(...draws)).toBeLessThanOrEqual(ceiling);
      expect(Math.max(...draws)).toBeGreaterThan(ceiling * 0.9);
      expect(Math.min(...draws)).toBeLessThan(ceiling * 0.1);
    }
  });
});
