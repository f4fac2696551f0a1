import { describe, expect, it } from 'vitest';
import { TokenBucket } from './tokenBucket';

/** The queueing form the tenants use (tryReserve, adjust); the engine's form is in policies.test.ts. */
describe('TokenBucket with a wait limit', () => {
  it('serves a burst up to its capacity without waiting', () => {
    const b = new TokenBucket(60, 3); // one token a second, bursts of 3
    expect([b.tryReserve(1, 0, 0), b.tryReserve(1, 0, 0), b.tryReserve(1, 0, 0)]).toEqual([0, 0, 0]);
    expect(b.available(0)).toBe(0);
  });

  it('queues a request beyond the burst: it takes its tokens on credit and waits for the refill', () => {
    const b = new TokenBucket(60, 2);
    b.tryReserve(2, 0, 10_000);
    expect(b.tryReserve(1, 0, 10_000)).toBe(1000);
    expect(b.tryReserve(1, 0, 10_000)).toBe(2000);
    expect(b.available(3000)).toBe(1);
  });

  it('refuses, taking nothing, when the wait would exceed the limit', () => {
    const b = new TokenBucket(60, 1);
    b.tryReserve(1, 0, 0);
    expect(b.tryReserve(1, 0, 500)).toBeNull();
    expect(b.available(0)).toBe(0);
    expect(b.tryReserve(1, 600, 500)).toBeCloseTo(400, 9);
    expect(b.shortfallMs(1, 600)).toBeCloseTo(1400, 9);
  });

  it('never refills above capacity and reads a time that goes back as the latest seen', () => {
    const b = new TokenBucket(60_000, 5); // one token per ms
    expect(b.available(1_000_000)).toBe(5);
    b.tryReserve(5, 1_000_000, 0);
    expect(b.tryReserve(1, 0, 10)).toBe(1); // "time 0" is after 1,000,000 for the bucket
  });

  it('adjusts by a known cost after the fact, and gives back at most up to capacity', () => {
    const b = new TokenBucket(60_000, 100);
    b.adjust(150, 0);
    expect(b.available(0)).toBe(-50);
    b.adjust(-1000, 0);
    expect(b.available(0)).toBe(100);
  });
});
