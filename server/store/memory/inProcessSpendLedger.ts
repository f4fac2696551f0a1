import type { DaySpend, SpendLedger, SpendReservation } from '../spendLedger';

interface Row {
  id: string;
  tenant: string;
  day: string;
  runKey: string | null;
  granted: number;
  spent: number;
  open: boolean;
}

/** Tenant budgets in memory (one process): the same rules as the database's, atomic by construction (no await inside). */
export class InProcessSpendLedger implements SpendLedger {
  private readonly rows = new Map<string, Row>();
  private nextId = 1;

  async reserve(tenant: string, day: string, wantedUsd: number, limitUsd: number, runKey?: string, minimumUsd = 0): Promise<SpendReservation | null> {
    if (runKey !== undefined) {
      const existing = [...this.rows.values()].find((r) => r.open && r.runKey === runKey);
      if (existing) return { id: existing.id, grantedUsd: existing.granted };
    }
    let used = 0;
    for (const r of this.rows.values()) if (r.tenant === tenant && r.day === day) used += r.open ? Math.max(r.granted, r.spent) : r.spent;
    const granted = Math.min(wantedUsd, limitUsd - used);
    if (!(granted > 0) || granted < Math.min(minimumUsd, wantedUsd)) return null;
    const id = String(this.nextId++);
    this.rows.set(id, { id, tenant, day, runKey: runKey ?? null, granted, spent: 0, open: true });
    return { id, grantedUsd: granted };
  }

  async report(reservation: string, spentUsd: number): Promise<void> {
    const r = this.rows.get(reservation);
    if (r?.open) r.spent = Math.max(r.spent, spentUsd);
  }

  async settle(reservation: string, spentUsd: number): Promise<void> {
    const r = this.rows.get(reservation);
    if (!r?.open) return;
    r.spent = Math.max(r.spent, spentUsd);
    r.open = false;
  }

  async addSpent(tenant: string, day: string, usd: number): Promise<void> {
    const id = String(this.nextId++);
    this.rows.set(id, { id, tenant, day, runKey: null, granted: 0, spent: usd, open: false });
  }

  async today(tenant: string, day: string): Promise<DaySpend> {
    let spentUsd = 0;
    let reservedUsd = 0;
    for (const r of this.rows.values()) {
      if (r.tenant !== tenant || r.day !== day) continue;
      spentUsd += r.spent;
      if (r.open) reservedUsd += Math.max(0, r.granted - r.spent);
    }
    return { spentUsd, reservedUsd };
  }

  async close(): Promise<void> {}
}
