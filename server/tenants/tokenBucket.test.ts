import { describe, expect, it } from 'vitest';
import { TokenBucket } from './tokenBucket';

describe('TokenBucket', () => {
  it('serves a burst up to its capacity without waiting', () => {
    const b = new TokenBucket(3, 1 / 1000);
    expect([b.reserve(1, 0, 0), b.reserve(1, 0, 0), b.reserve(1, 0, 0)]).toEqual([0, 0, 0]);
    expect(b.available(0)).toBe(0);
  });

  it('queues a request beyond the burst: it takes its tokens on credit and waits for the refill', () => {
    const b = new TokenBucket(2, 1 / 1000); // one token a second
    b.reserve(2, 0, 10_000);
    expect(b.reserve(1, 0, 10_000)).toBe(1000);
    expect(b.reserve(1, 0, 10_000)).toBe(2000);
    expect(b.available(3000)).toBe(1);
  });

  it('refuses, taking nothing, when the wait would exceed the limit', () => {
    const b = new TokenBucket(1, 1 / 1000);
    b.reserve(1, 0, 0);
    expect(b.reserve(1, 0, 500)).toBeNull();
    expect(b.available(0)).toBe(0);
    expect(b.reserve(1, 600, 500)).toBe(400);
  });

  it('never refills above capacity and reads a time that goes back as the latest seen', () => {
    const b = new TokenBucket(5, 1);
    expect(b.available(1_000_000)).toBe(5);
    b.reserve(5, 1_000_000, 0);
    expect(b.reserve(1, 0, 10)).toBe(1); // "time 0" is after 1,000,000 for the bucket
  });

  it('adjusts by a known cost after the fact, and gives back at most up to capacity', () => {
    const b = new TokenBucket(100, 1);
    b.adjust(150, 0);
    expect(b.available(0)).toBe(-50);
    b.adjust(-1000, 0);
    expect(b.available(0)).toBe(100);
  });

  it('rejects a bucket that could never serve anything', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });
});
