import type { Clock } from '../engine/clock';
import type { ModelProvider } from '../engine/modelProvider';
import { RateLimitedProvider, type RateLimitHooks, type RateLimiterPort } from '../tenants/rateLimitedProvider';
import { realSleep } from '../tenants/realSleep';

/**
 * The `wrapModel` hook that puts a tenant's rate limits around a run's model provider, wherever the
 * run executes: the run's calls fall on the tenant's time line at `startedAtMs` plus the run's own
 * clock (`TenantRegistry.timeline`), and a wait is slept only on the system clock (`realSleep`).
 */
export function rateLimitedModel(limiter: RateLimiterPort, startedAtMs: number, hooks: RateLimitHooks): (inner: ModelProvider, clock: Clock) => ModelProvider {
  return (inner, clock) => new RateLimitedProvider(inner, limiter, () => startedAtMs + clock.now(), hooks, realSleep(clock));
}
