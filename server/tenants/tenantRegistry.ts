import { DEFAULT_TENANT_POLICY, type TenantPolicy, type TenantsFile } from '../../protocol/api/tenantPolicy';
import { Tenant } from './tenant';

export interface TenantRegistryOptions {
  /** Limits per tenant and for any other tenant; absent: `DEFAULT_TENANT_POLICY` for all. */
  config?: TenantsFile;
  /** Wall clock, for the budget's day (tests move it). */
  now?: () => Date;
  /** Monotonic milliseconds, for the tenants' rate-limit time line. */
  monotonicMs?: () => number;
}

/**
 * The tenants of one server. A tenant comes into being the first time a run names it, with the
 * policy the configuration gives it (or the defaults), and lives as long as the server.
 */
export class TenantRegistry {
  private readonly tenants = new Map<string, Tenant>();
  private readonly now: () => Date;
  private readonly monotonicMs: () => number;
  private readonly origin: number;

  constructor(private readonly options: TenantRegistryOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
    this.origin = this.monotonicMs();
  }

  get(id: string): Tenant {
    let tenant = this.tenants.get(id);
    if (!tenant) {
      tenant = new Tenant(id, this.policyOf(id), this.now);
      this.tenants.set(id, tenant);
    }
    return tenant;
  }

  has(id: string): boolean {
    return this.tenants.has(id);
  }

  list(): Tenant[] {
    return [...this.tenants.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Where a run's model calls fall on its tenant's rate-limit time line: the wall time the run
   * started (ms since the server started) plus the run's own clock. Under the virtual clock a run's
   * calls thus land where the simulation says they happen, and runs that start together compete
   * for the same tokens, as they would in production.
   */
  timeline(runStartedAt: number, runClock: () => number): () => number {
    return () => runStartedAt + runClock();
  }

  /** Milliseconds since this registry was made, for `timeline`. */
  elapsedMs(): number {
    return this.monotonicMs() - this.origin;
  }

  private policyOf(id: string): TenantPolicy {
    const config = this.options.config;
    return { ...DEFAULT_TENANT_POLICY, ...defined(config?.defaults ?? {}), ...defined(config?.tenants[id] ?? {}) };
  }
}

function defined(o: Partial<TenantPolicy>): Partial<TenantPolicy> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
