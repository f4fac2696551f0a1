import type { TenantPolicy, TenantsFile } from '../../protocol/api/tenantPolicy';
import { DEFAULT_TENANT_POLICY } from '../../protocol/api/tenantPolicy';

/**
 * A tenant's rate limits across workers are **split**, not shared: each of the `workers` alive
 * applies 1/workers of every tenant's requests and tokens per minute, locally, as Envoy's local rate
 * limits do. Why not one shared bucket in the database: it would be a round trip and a row lock per
 * model call (the hottest path there is), a second shared state the journal does not record, and a
 * worker cut off from the database would have to stop calling models; the split costs nothing per
 * call and stays within the tenant's limit in total. The price: a tenant whose runs sit on one
 * worker gets only that worker's share until the next heartbeat recomputes it (shares follow the
 * workers alive, counted on each heartbeat). Budgets are not split: they are in the ledger.
 */
export function splitTenantLimits(config: TenantsFile, workers: number): TenantsFile {
  if (workers <= 1) return config;
  const split = (p: Partial<TenantPolicy>, base: TenantPolicy): Partial<TenantPolicy> => ({
    ...p,
    requestsPerMinute: Math.max(1, (p.requestsPerMinute ?? base.requestsPerMinute) / workers),
    tokensPerMinute: Math.max(1, (p.tokensPerMinute ?? base.tokensPerMinute) / workers),
  });
  const defaults = { ...DEFAULT_TENANT_POLICY, ...config.defaults };
  return {
    defaults: split(config.defaults, DEFAULT_TENANT_POLICY),
    tenants: Object.fromEntries(Object.entries(config.tenants).map(([id, p]) => [id, split(p, { ...defaults, ...p })])),
  };
}
