import type { TenantInfo } from '../../protocol/api/tenantInfo';
import type { TenantPolicy } from '../../protocol/api/tenantPolicy';
import { Bulkhead } from './bulkhead';
import { DailyBudget } from './dailyBudget';
import { TenantLedger } from './tenantLedger';
import { TenantLimiter } from './tenantLimiter';

/**
 * Everything one tenant owns: its limits (rate, concurrency, daily budget) and its accounting. No
 * state is shared between tenants, which is what keeps one tenant's flood from touching another.
 */
export class Tenant {
  readonly limiter: TenantLimiter;
  readonly bulkhead: Bulkhead;
  readonly budget: DailyBudget;
  readonly ledger = new TenantLedger();
  refusedRuns = 0;

  constructor(
    readonly id: string,
    readonly policy: TenantPolicy,
    now: () => Date,
  ) {
    this.limiter = new TenantLimiter(id, policy);
    this.bulkhead = new Bulkhead(policy.maxConcurrentRuns, policy.maxQueuedRuns);
    this.budget = new DailyBudget(id, policy.dailyBudgetUsd, now);
  }

  info(): TenantInfo {
    const { totals, squads } = this.ledger.snapshot();
    return {
      id: this.id,
      policy: this.policy,
      now: {
        runsInFlight: this.bulkhead.running,
        runsQueued: this.bulkhead.queued,
        spentTodayUsd: round(this.budget.spentUsd),
        reservedUsd: round(this.budget.reservedUsd),
        remainingTodayUsd: round(this.budget.remainingUsd),
      },
      rateLimit: { ...this.limiter.stats },
      refusedRuns: this.refusedRuns,
      totals: { ...totals, costUsd: round(totals.costUsd) },
      squads,
    };
  }
}

/** Sums of many small floats: 10 decimals hide the float noise, not the money. */
function round(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}
