import { describe, expect, it } from 'vitest';
import { RateLimitRefusedError, TenantLimiter } from './tenantLimiter';

describe('TenantLimiter', () => {
  it('queues calls over the request rate and refuses past the longest wait, counting both', () => {
    const l = new TenantLimiter('a', { requestsPerMinute: 2, tokensPerMinute: 1e9, maxRateLimitWaitMs: 60_000 });
    expect(l.admit(10, 0)).toBe(0);
    expect(l.admit(10, 0)).toBe(0);
    expect(l.admit(10, 0)).toBe(30_000);
    expect(l.admit(10, 0)).toBe(60_000);
    expect(() => l.admit(10, 0)).toThrow(RateLimitRefusedError);
    expect(() => l.admit(10, 0)).toThrow(/tenant "a" is over its requests per minute/);
    expect(l.stats).toEqual({ waits: 2, waitMs: 90_000, refusals: 2 });
  });

  it('limits tokens too, and gives back the request slot of a call refused for tokens', () => {
    const l = new TenantLimiter('b', { requestsPerMinute: 1, tokensPerMinute: 100, maxRateLimitWaitMs: 0 });
    expect(() => l.admit(500, 0)).toThrow(/tokens per minute/);
    expect(l.admit(50, 0)).toBe(0); // the request slot was returned
    l.settle(50, 100, 0); // it used 100 tokens, not 50
    expect(() => l.admit(1, 30_000)).toThrow(/requests per minute/);
  });
});
