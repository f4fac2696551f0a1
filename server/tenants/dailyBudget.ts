import { formatUsdLimit } from '../engine/formatUsdLimit';
import { utcDay } from '../store/spendLedger';
/**
 * Why a tenant's day cannot fund a run, or null when it can: nothing is left (spent, or reserved by
 * runs in flight), or less than `neededUsd`, the least the run can use (its first call's worst case,
 * `firstCallFloorUsd`): a run granted less could only halt before its first call. The one wording of
 * the refusal, for the embedded server, the API servers and the workers.
 */
export function budgetShortfall(tenant: string, limitUsd: number, remainingUsd: number, neededUsd = 0): string | null {
  if (!(remainingUsd > 0)) return `tenant "${tenant}" has no budget left today (${formatUsdLimit(limitUsd)} a day, committed and reserved by runs in flight)`;
  if (remainingUsd < neededUsd)
    return `tenant "${tenant}" has ${formatUsdLimit(remainingUsd)} left of its daily budget of ${formatUsdLimit(limitUsd)}; this squad's first model call may cost up to ${formatUsdLimit(neededUsd)}`;
  return null;
}

/** The tenant's day cannot fund the run (`budgetShortfall` says why): refused until the next UTC day, or until runs in flight give back what they reserved. */
export class BudgetExhaustedError extends Error {
  constructor(
    readonly tenant: string,
    message: string,
  ) {
    super(message);
    this.name = 'BudgetExhaustedError';
  }
}

export interface BudgetReservation {
  /** The most this run may spend: what it asked for, lowered to what the tenant had left. */
  readonly grantedUsd: number;
  /** Records the run's spend so far (monotonic); the tenant's figures include it at once. */
  spend(totalUsd: number): void;
  /** Ends the reservation: the spend is committed, the unspent rest goes back. Idempotent. */
  close(): void;
}

/**
 * A tenant's daily cost budget with reservations, so concurrent runs cannot overspend it together:
 * a run reserves its whole per-run budget when it starts (lowered to what is left), and what it does
 * not spend returns to the day when it ends. The day is the UTC date of `now()`.
 */
export class DailyBudget {
  private day: string;
  private committed = 0;
  private readonly open = new Set<{ granted: number; spent: number }>();

  constructor(
    readonly tenant: string,
    readonly limitUsd: number,
    private readonly now: () => Date,
  ) {
    this.day = utcDay(now());
  }

  /** Spent today: committed by ended runs plus what open runs have spent so far. */
  get spentUsd(): number {
    this.rollOver();
    let spent = this.committed;
    for (const r of this.open) spent += r.spent;
    return spent;
  }

  /** Held by open runs beyond what they have spent. */
  get reservedUsd(): number {
    let reserved = 0;
    for (const r of this.open) reserved += Math.max(0, r.granted - r.spent);
    return reserved;
  }

  get remainingUsd(): number {
    return Math.max(0, this.limitUsd - this.spentUsd - this.reservedUsd);
  }

  /**
   * Reserves up to `wantedUsd`; throws `BudgetExhaustedError` when nothing is left, or less than
   * `minimumUsd` (the least a run can use: its first call's reservation, `firstCallFloorUsd`).
   */
  reserve(wantedUsd: number, minimumUsd = 0): BudgetReservation {
    const remaining = this.remainingUsd;
    // A run whose own budget is under its first call gets what it asked: that is its squad's limit, not the tenant's.
    const short = budgetShortfall(this.tenant, this.limitUsd, Math.min(wantedUsd, remaining) > 0 ? remaining : 0, Math.min(minimumUsd, wantedUsd));
    if (short !== null) throw new BudgetExhaustedError(this.tenant, short);
    const granted = Math.min(wantedUsd, remaining);
    const entry = { granted, spent: 0 };
    this.open.add(entry);
    let closed = false;
    return {
      grantedUsd: granted,
      spend: (total) => {
        if (!closed) entry.spent = Math.max(entry.spent, total);
      },
      close: () => {
        if (closed) return;
        closed = true;
        this.open.delete(entry);
        this.rollOver();
        this.committed += entry.spent;
      },
    };
  }

  /** Adds spend from before this server started (journals of today). */
  addCommitted(usd: number): void {
    this.rollOver();
    this.committed += usd;
  }

  private rollOver(): void {
    const today = utcDay(this.now());
    if (today !== this.day) {
      this.day = today;
      this.committed = 0;
    }
  }
}

/** Seconds until the next UTC day, when a spent day's budget comes back (a refusal's Retry-After); at least 1. */
export function secondsToUtcMidnight(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
}
