/** What a tenant has spent and holds on one UTC day. */
export interface DaySpend {
  /** Spent: settled runs plus what open reservations reported so far. */
  spentUsd: number;
  /** Held by open reservations beyond what they have spent. */
  reservedUsd: number;
}

export interface SpendReservation {
  id: string;
  /** What was asked, lowered to what the tenant had left (never more than it had left). */
  grantedUsd: number;
}

/**
 * Port: the tenants' daily budgets, shared by every process (the "tenant ledger" of the scale-out).
 * A run reserves its budget before it starts and reports its spend as it goes; what it did not
 * spend goes back when it settles. `reserve` is atomic: two workers reserving at once can never
 * together be granted more than the tenant has left, so with W workers a tenant's spend stays within
 * its budget plus what the runs in flight overshoot (at most one model call each past their grant).
 * Adapters: in-process and PostgreSQL; both pass `spendLedgerConformance`.
 */
export interface SpendLedger {
  /**
   * Reserves up to `wantedUsd` of `tenant`'s `limitUsd` for `day` (YYYY-MM-DD, UTC); null when
   * nothing is left, or less than `minimumUsd` (the least the run can use, `firstCallFloorUsd`;
   * capped at `wantedUsd`). With `runKey`, an open reservation of that run is returned instead of a
   * new one (a run resumed by another worker keeps the reservation its first worker took).
   */
  reserve(tenant: string, day: string, wantedUsd: number, limitUsd: number, runKey?: string, minimumUsd?: number): Promise<SpendReservation | null>;
  /** Records what the run spent so far (monotonic: a lower figure is ignored). */
  report(reservation: string, spentUsd: number): Promise<void>;
  /** Ends the reservation with its final spend; idempotent. */
  settle(reservation: string, spentUsd: number): Promise<void>;
  /** Spend recorded outside a reservation (runs of earlier sessions, read from their journals). */
  addSpent(tenant: string, day: string, usd: number): Promise<void>;
  today(tenant: string, day: string): Promise<DaySpend>;
  close(): Promise<void>;
}

/** The UTC day a budget counts in. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
