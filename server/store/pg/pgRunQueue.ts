import { RunTicketSchema } from '../../../protocol/api/runTicket';
import { JournalError } from '../journalError';
import type { Lease, QueueEntry, QueueState, RunQueue } from '../runQueue';
import type { PgDatabase } from './pgDatabase';

interface Row {
  id: string;
  tenant: string;
  ticket: unknown;
  state: QueueState;
  owner: string | null;
  attempts: number;
  lease_expires: Date | null;
  outcome: string | null;
  reason: string | null;
  created_at: Date;
  claimed_at: Date | null;
  ended_at: Date | null;
}

/**
 * The run queue in PostgreSQL (`squad_runs`). A claim takes the oldest claimable row with
 * `FOR UPDATE SKIP LOCKED`, so workers claiming at once each get a different run without waiting on
 * one another; the lease is `lease_expires`, moved by heartbeats, and `attempts` is the fencing
 * token (a heartbeat or completion of an earlier claim matches no row). Enqueue and release NOTIFY
 * `squad_queue`, so idle workers wake at once instead of polling.
 */
export class PgRunQueue implements RunQueue {
  constructor(private readonly db: PgDatabase) {}

  async enqueue(entry: { id: string; tenant: string; ticket: unknown }): Promise<void> {
    await this.db.query(
      `WITH added AS (INSERT INTO squad_runs (id, tenant, ticket, state) VALUES ($1, $2, $3, 'queued') RETURNING id)
       SELECT pg_notify('squad_queue', id) FROM added`,
      [entry.id, entry.tenant, JSON.stringify(entry.ticket)],
    );
  }

  async claim(owner: string, leaseMs: number): Promise<Lease | null> {
    const { rows } = await this.db.query<Row>(
      `UPDATE squad_runs SET state = 'claimed', owner = $1, attempts = attempts + 1,
              lease_expires = clock_timestamp() + $2 * interval '1 millisecond', claimed_at = COALESCE(claimed_at, clock_timestamp())
       WHERE id = (
         SELECT id FROM squad_runs
         WHERE state = 'queued' OR (state = 'claimed' AND lease_expires < clock_timestamp())
         ORDER BY created_at, id
         FOR UPDATE SKIP LOCKED
         LIMIT 1
       )
       RETURNING *`,
      [owner, leaseMs],
    );
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, tenant: row.tenant, ticket: ticketOf(row), owner, attempt: row.attempts, expiresAt: row.lease_expires ?? new Date() };
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const { rows } = await this.db.query<{ lease_expires: Date }>(
      `UPDATE squad_runs SET lease_expires = clock_timestamp() + $4 * interval '1 millisecond'
       WHERE id = $1 AND owner = $2 AND attempts = $3 AND state = 'claimed' RETURNING lease_expires`,
      [lease.id, lease.owner, lease.attempt, leaseMs],
    );
    if (rows[0]) lease.expiresAt = rows[0].lease_expires;
    return rows.length === 1;
  }

  async complete(lease: Lease, outcome: string, reason: string | null): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE squad_runs SET state = 'done', outcome = $4, reason = $5, owner = NULL, lease_expires = NULL, ended_at = clock_timestamp()
       WHERE id = $1 AND owner = $2 AND attempts = $3 AND state = 'claimed'`,
      [lease.id, lease.owner, lease.attempt, outcome, reason],
    );
    return result.rowCount === 1;
  }

  async release(lease: Lease): Promise<void> {
    await this.db.query(
      `WITH back AS (
         UPDATE squad_runs SET state = 'queued', owner = NULL, lease_expires = NULL
         WHERE id = $1 AND owner = $2 AND attempts = $3 AND state = 'claimed' RETURNING id
       ) SELECT pg_notify('squad_queue', id) FROM back`,
      [lease.id, lease.owner, lease.attempt],
    );
  }

  async cancelQueued(id: string, reason: string): Promise<boolean> {
    const result = await this.db.query(`UPDATE squad_runs SET state = 'cancelled', outcome = 'cancelled', reason = $2, ended_at = clock_timestamp() WHERE id = $1 AND state = 'queued'`, [id, reason]);
    return result.rowCount === 1;
  }

  async get(id: string): Promise<QueueEntry | null> {
    const { rows } = await this.db.query<Row>('SELECT * FROM squad_runs WHERE id = $1', [id]);
    return rows[0] ? entryOf(rows[0]) : null;
  }

  async list(options: { limit: number; tenant?: string }): Promise<QueueEntry[]> {
    const { rows } =
      options.tenant === undefined
        ? await this.db.query<Row>('SELECT * FROM squad_runs ORDER BY created_at DESC, id DESC LIMIT $1', [options.limit])
        : await this.db.query<Row>('SELECT * FROM squad_runs WHERE tenant = $2 ORDER BY created_at DESC, id DESC LIMIT $1', [options.limit, options.tenant]);
    return rows.map(entryOf);
  }

  async remove(id: string): Promise<void> {
    await this.db.query(`DELETE FROM squad_runs WHERE id = $1 AND state IN ('done', 'cancelled')`, [id]);
  }

  waitForWork(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        off();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      const off = this.db.on('squad_queue', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async beat(id: string, ttlMs: number): Promise<number> {
    const { rows } = await this.db.query<{ alive: string }>(
      `WITH seen AS (
         INSERT INTO squad_workers (id, concurrency, alive_until) VALUES ($1, 0, clock_timestamp() + $2 * interval '1 millisecond')
         ON CONFLICT (id) DO UPDATE SET alive_until = EXCLUDED.alive_until RETURNING id
       ) SELECT (SELECT count(*) FROM squad_workers WHERE alive_until >= clock_timestamp() AND id <> $1) + 1 AS alive`,
      [id, ttlMs],
    );
    return Number(rows[0]?.alive ?? 1);
  }

  async leave(id: string): Promise<void> {
    await this.db.query('DELETE FROM squad_workers WHERE id = $1', [id]);
  }

  async close(): Promise<void> {}
}

function ticketOf(row: Row): Lease['ticket'] {
  const parsed = RunTicketSchema.safeParse(row.ticket);
  if (!parsed.success) throw new JournalError(`squad_runs ${row.id}: not a valid run ticket: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

function entryOf(row: Row): QueueEntry {
  return {
    id: row.id,
    tenant: row.tenant,
    ticket: ticketOf(row),
    state: row.state,
    owner: row.owner,
    attempts: row.attempts,
    outcome: row.outcome,
    reason: row.reason,
    createdAt: row.created_at,
    claimedAt: row.claimed_at,
    endedAt: row.ended_at,
  };
}
