import type { DaySpend, SpendLedger, SpendReservation } from '../spendLedger';
import type { PgDatabase } from './pgDatabase';

/**
 * Tenant budgets in PostgreSQL (`squad_reservations`). `reserve` runs in a transaction that first
 * takes an advisory lock on (tenant, day), so concurrent reservations of one tenant are serialized
 * (and other tenants' are not): what it grants is computed from every open and settled row of the
 * day under that lock. A reservation keyed by a run (`runKey`) is reused when the run is resumed by
 * another worker, so a run holds one reservation however many processes it passes through.
 */
export class PgSpendLedger implements SpendLedger {
  constructor(private readonly db: PgDatabase) {}

  async reserve(tenant: string, day: string, wantedUsd: number, limitUsd: number, runKey?: string, minimumUsd = 0): Promise<SpendReservation | null> {
    return this.db.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [tenant, day]);
      if (runKey !== undefined) {
        const existing = await client.query<{ id: string; granted: number }>('SELECT id::text, granted FROM squad_reservations WHERE run_key = $1 AND open', [runKey]);
        if (existing.rows[0]) return { id: existing.rows[0].id, grantedUsd: existing.rows[0].granted };
      }
      const used = await client.query<{ used: number }>(
        'SELECT COALESCE(SUM(CASE WHEN open THEN GREATEST(granted, spent) ELSE spent END), 0) AS used FROM squad_reservations WHERE tenant = $1 AND day = $2',
        [tenant, day],
      );
      const granted = Math.min(wantedUsd, limitUsd - (used.rows[0]?.used ?? 0));
      if (!(granted > 0) || granted < Math.min(minimumUsd, wantedUsd)) return null;
      const { rows } = await client.query<{ id: string }>('INSERT INTO squad_reservations (tenant, day, run_key, granted) VALUES ($1, $2, $3, $4) RETURNING id::text', [
        tenant,
        day,
        runKey ?? null,
        granted,
      ]);
      return { id: rows[0]!.id, grantedUsd: granted };
    });
  }

  async report(reservation: string, spentUsd: number): Promise<void> {
    await this.db.query('UPDATE squad_reservations SET spent = GREATEST(spent, $2) WHERE id = $1 AND open', [reservation, spentUsd]);
  }

  async settle(reservation: string, spentUsd: number): Promise<void> {
    await this.db.query('UPDATE squad_reservations SET spent = GREATEST(spent, $2), open = false WHERE id = $1 AND open', [reservation, spentUsd]);
  }

  async addSpent(tenant: string, day: string, usd: number): Promise<void> {
    await this.db.query('INSERT INTO squad_reservations (tenant, day, granted, spent, open) VALUES ($1, $2, 0, $3, false)', [tenant, day, usd]);
  }

  async today(tenant: string, day: string): Promise<DaySpend> {
    const { rows } = await this.db.query<{ spent: number; reserved: number }>(
      'SELECT COALESCE(SUM(spent), 0) AS spent, COALESCE(SUM(CASE WHEN open THEN GREATEST(granted - spent, 0) ELSE 0 END), 0) AS reserved FROM squad_reservations WHERE tenant = $1 AND day = $2',
      [tenant, day],
    );
    return { spentUsd: rows[0]?.spent ?? 0, reservedUsd: rows[0]?.reserved ?? 0 };
  }

  async close(): Promise<void> {}
}
