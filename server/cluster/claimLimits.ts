import { DEFAULT_TENANT_POLICY, type TenantsFile } from '../../protocol/api/tenantPolicy';
import type { ClaimLimits } from '../store/runQueue';

/**
 * Each tenant's `maxConcurrentRuns` as the queue's claims enforce it across workers: a configured
 * tenant's own, else the file's defaults', else the built-in default. Not split between workers (as
 * rate limits are): the claim counts the tenant's runs held anywhere, so the limit is the fleet's.
 */
export function claimLimits(config: TenantsFile | undefined): ClaimLimits {
  const fallback = config?.defaults.maxConcurrentRuns ?? DEFAULT_TENANT_POLICY.maxConcurrentRuns;
  return {
    defaultMaxRunning: fallback,
    tenants: Object.fromEntries(Object.entries(config?.tenants ?? {}).map(([id, p]) => [id, p.maxConcurrentRuns ?? fallback])),
  };
}
