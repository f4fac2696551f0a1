import { z } from 'zod';
import { TenantIdSchema } from './tenantId';

/**
 * A tenant's limits. Rates are per minute of the tenant's timeline (see tenants/tenantLimiter.ts);
 * a call that would have to wait longer than `maxRateLimitWaitMs` for its tokens is refused.
 */
export const TenantPolicySchema = z
  .object({
    dailyBudgetUsd: z.number().nonnegative(),
    requestsPerMinute: z.number().positive(),
    tokensPerMinute: z.number().positive(),
    maxConcurrentRuns: z.number().int().positive().max(10_000),
    maxQueuedRuns: z.number().int().nonnegative().max(1_000_000),
    maxRateLimitWaitMs: z.number().nonnegative(),
  })
  .strict();
export type TenantPolicy = z.infer<typeof TenantPolicySchema>;

export const DEFAULT_TENANT_POLICY: TenantPolicy = {
  dailyBudgetUsd: 50,
  requestsPerMinute: 600,
  tokensPerMinute: 2_000_000,
  maxConcurrentRuns: 8,
  maxQueuedRuns: 1000,
  maxRateLimitWaitMs: 60_000,
};

/** `--tenants FILE`: defaults for every tenant, and overrides per tenant id. JSON. */
export const TenantsFileSchema = z
  .object({
    defaults: TenantPolicySchema.partial().default({}),
    tenants: z.record(TenantIdSchema, TenantPolicySchema.partial()).default({}),
  })
  .strict();
export type TenantsFile = z.infer<typeof TenantsFileSchema>;
