import type { TenantPolicy } from '../../protocol/api/tenantPolicy';
import { TokenBucket } from '../engine/policies/tokenBucket';

export interface RateLimitStats {
  waits: number;
  waitMs: number;
  refusals: number;
}

/** A model call the tenant's limits refuse: it would wait longer than the tenant allows. */
export class RateLimitRefusedError extends Error {
  constructor(
    readonly tenant: string,
    readonly limit: 'requests' | 'tokens',
    readonly waitMs: number,
    readonly maxWaitMs: number,
  ) {
    super(`rate-limit: tenant "${tenant}" is over its ${limit} per minute; the call would wait ${(waitMs / 1000).toFixed(1)} s ` + `(the tenant allows ${(maxWaitMs / 1000).toFixed(1)} s)`);
    this.name = 'RateLimitRefusedError';
  }
}

/**
 * A tenant's request and token rate limits: two token buckets refilled per minute, each with a
 * minute's worth of burst (as hosted model APIs count them). Shared by every run of the tenant, so
 * one tenant's flood fills only its own buckets.
 */
export class TenantLimiter {
  private readonly requests: TokenBucket;
  private readonly tokens: TokenBucket;
  readonly stats: RateLimitStats = { waits: 0, waitMs: 0, refusals: 0 };

  constructor(
    readonly tenant: string,
    private readonly policy: Pick<TenantPolicy, 'requestsPerMinute' | 'tokensPerMinute' | 'maxRateLimitWaitMs'>,
  ) {
    this.requests = new TokenBucket(policy.requestsPerMinute, policy.requestsPerMinute);
    this.tokens = new TokenBucket(policy.tokensPerMinute, policy.tokensPerMinute);
  }

  /**
   * Admits one model call estimated at `estimatedTokens` at time `now` (ms on the tenant's time
   * line): returns how long it queues first, or throws `RateLimitRefusedError`, taking nothing.
   */
  admit(estimatedTokens: number, now: number): number {
    const max = this.policy.maxRateLimitWaitMs;
    const requestWait = this.requests.tryReserve(1, now, max);
    if (requestWait === null) return this.refuse('requests', this.waitFor(this.requests, 1, now), max);
    const tokenWait = this.tokens.tryReserve(estimatedTokens, now, max);
    if (tokenWait === null) {
      this.requests.adjust(-1, now);
      return this.refuse('tokens', this.waitFor(this.tokens, estimatedTokens, now), max);
    }
    const wait = Math.max(requestWait, tokenWait);
    if (wait > 0) {
      this.stats.waits += 1;
      this.stats.waitMs += wait;
    }
    return wait;
  }

  /** Charges the difference between the estimate and what the call really used. */
  settle(estimatedTokens: number, usedTokens: number, now: number): void {
    this.tokens.adjust(usedTokens - estimatedTokens, now);
  }

  private waitFor(bucket: TokenBucket, n: number, now: number): number {
    return bucket.shortfallMs(n, now);
  }

  private refuse(limit: 'requests' | 'tokens', waitMs: number, maxWaitMs: number): never {
    this.stats.refusals += 1;
    throw new RateLimitRefusedError(this.tenant, limit, waitMs, maxWaitMs);
  }
}
