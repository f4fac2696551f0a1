import { formatUsdLimit } from '../engine/formatUsdLimit';
/** The tenant spent its day's budget: new runs are refused until the next UTC day. */
export class BudgetExhaustedError extends Error {
  constructor(
    readonly tenant: string,
    readonly limitUsd: number,
  ) {
    super(`tenant "${tenant}" has used its daily budget of ${formatUsdLimit(limitUsd)} (committed and reserved by runs in flight)`);
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

  /** Reserves up to `wantedUsd`; throws `BudgetExhaustedError` when nothing is left. */
  reserve(wantedUsd: number): BudgetReservation {
    const granted = Math.min(wantedUsd, this.remainingUsd);
    if (!(granted > 0)) throw new BudgetExhaustedError(this.tenant, this.limitUsd);
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

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
