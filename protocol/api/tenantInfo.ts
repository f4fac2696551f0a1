import { z } from 'zod';
import { TenantPolicySchema } from './tenantPolicy';

const UsageTotals = z.object({
  runs: z.number().int().nonnegative(),
  modelCalls: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type UsageTotals = z.infer<typeof UsageTotals>;
export const UsageTotalsSchema = UsageTotals;

/** `GET /api/tenants`: each tenant's limits, what it uses now, and its accounting since the server started. */
export const TenantInfoSchema = z.object({
  id: z.string(),
  policy: TenantPolicySchema,
  now: z.object({
    runsInFlight: z.number().int().nonnegative(),
    runsQueued: z.number().int().nonnegative(),
    spentTodayUsd: z.number().nonnegative(),
    reservedUsd: z.number().nonnegative(),
    remainingTodayUsd: z.number().nonnegative(),
  }),
  rateLimit: z.object({ waits: z.number().int().nonnegative(), waitMs: z.number().nonnegative(), refusals: z.number().int().nonnegative() }),
  refusedRuns: z.number().int().nonnegative(),
  totals: UsageTotals,
  /** Per workflow (squad name), each with its agents. */
  squads: z.record(z.string(), UsageTotals.extend({ agents: z.record(z.string(), UsageTotals.omit({ runs: true })) })),
});
export type TenantInfo = z.infer<typeof TenantInfoSchema>;

export const TenantListResponseSchema = z.object({ tenants: z.array(TenantInfoSchema) });
