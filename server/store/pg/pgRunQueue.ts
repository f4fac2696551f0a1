import { HeldAtSchema, type HeldAt } from '../../../protocol/api/runInfo';
import { RunTicketSchema, type RunTicket } from '../../../protocol/api/runTicket';
import { JournalError } from '../journalError';
import type { ClaimLimits, Lease, QueueEntry, QueueState, RunQueue } from '../runQueue';
import type { PgDatabase } from './pgDatabase';

interface Row {
  id: string;
  tenant: string;
  ticket: unknown;
  state: QueueState;
  owner: string | null;
  attempts: number;
  paused: boolean;
  held: unknown;
  lease_expires: Date | null;
  outcome: string | null;
  reason: string | null;
  created_at: Date;
  claimed_at: Date | null;
  ended_at: Date | null;
}

/** The advisory lock claims with tenant limits take turns under (any constant; migrations use another). */
const CLAIM_LOCK = 0x5371_c1a1;

/** A candidate's tenant has fewer runs claimed under a live lease than its limit ($3: limits by tenant, $4: the default). */
const TENANT_HAS_A_SLOT = `AND (SELECT count(*) FROM squad_runs c WHERE c.tenant = r.tenant AND c.state = 'claimed' AND c.lease_expires >= clock_timestamp() AND c.id <> r.id)
             < COALESCE(($3::jsonb ->> r.tenant)::int, $4::int)`;

/**
 * The run queue in PostgreSQL (`squad_runs`). A claim takes the oldest claimable row with
 * `FOR UPDATE SKIP LOCKED`, so workers claiming at once each get a different run without waiting on
 * one another; the lease is `lease_expires`, moved by heartbeats, and `attempts` is the fencing
 * token (a heartbeat or completion of an earlier claim matches no row). Enqueue, release and
 * completion NOTIFY `squad_queue`, so idle workers wake at once instead of polling; every change
 * of a row but heartbeats NOTIFYs `squad_run` (the API servers' live view of runs, `watch`). With tenant
 * limits (`maxConcurrentRuns`), claims take turns under an advisory lock so that a tenant's count of
 * claimed runs and the claim that adds one are atomic across every worker.
 */
export class PgRunQueue implements RunQueue {
  constructor(private readonly db: PgDatabase) {}

  async enqueue(entry: { id: string; tenant: string; ticket: RunTicket }): Promise<void> {
    await this.db.query(
      `WITH added AS (INSERT INTO squad_runs (id, tenant, ticket, state, paused) VALUES ($1, $2, $3, 'queued', $4) RETURNING id)
       SELECT pg_notify('squad_queue', id), pg_notify('squad_run', id) FROM added`,
      [entry.id, entry.tenant, JSON.stringify(entry.ticket), entry.ticket.paused],
    );
  }

  async claim(owner: string, leaseMs: number, limits?: ClaimLimits): Promise<Lease | null> {
    const claim = `WITH claimed AS (UPDATE squad_runs SET state = 'claimed', owner = $1, attempts = attempts + 1,
              lease_expires = clock_timestamp() + $2 * interval '1 millisecond', claimed_at = COALESCE(claimed_at, clock_timestamp()), held = NULL
       WHERE id = (
         SELECT r.id FROM squad_runs r
         WHERE (r.state = 'queued' OR (r.state = 'claimed' AND r.lease_expires < clock_timestamp()))
           ${limits ? TENANT_HAS_A_SLOT : ''}
         ORDER BY r.created_at, r.id
         FOR UPDATE SKIP LOCKED
         LIMIT 1
       )
       RETURNING *) SELECT claimed.*, pg_notify('squad_run', claimed.id) FROM claimed`;
    const rows = limits
      ? await this.db.transaction(async (client) => {
          // Claims with limits take turns: the count of a tenant's claimed runs is exact only if no
          // other claim is between its count and its commit. The lock is held for one short
          // statement and released at commit; each statement reads what committed before it.
          await client.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK]);
          return (await client.query<Row>(claim, [owner, leaseMs, JSON.stringify(limits.tenants), limits.defaultMaxRunning])).rows;
        })
      : (await this.db.query<Row>(claim, [owner, leaseMs])).rows;
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, tenant: row.tenant, ticket: ticketOf(row), owner, attempt: row.attempts, expiresAt: row.lease_expires ?? new Date(), paused: row.paused };
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
      `WITH ended AS (
         UPDATE squad_runs SET state = 'done', outcome = $4, reason = $5, owner = NULL, lease_expires = NULL, paused = false, held = NULL, ended_at = clock_timestamp()
         WHERE id = $1 AND owner = $2 AND attempts = $3 AND state = 'claimed' RETURNING id
       ) SELECT pg_notify('squad_queue', id), pg_notify('squad_run', id) FROM ended`,
      [lease.id, lease.owner, lease.attempt, outcome, reason],
    );
    return result.rowCount === 1;
  }

  async release(lease: Lease): Promise<void> {
    await this.db.query(
      `WITH back AS (
         UPDATE squad_runs SET state = 'queued', owner = NULL, lease_expires = NULL, held = NULL
         WHERE id = $1 AND owner = $2 AND attempts = $3 AND state = 'claimed' RETURNING id
       ) SELECT pg_notify('squad_queue', id), pg_notify('squad_run', id) FROM back`,
      [lease.id, lease.owner, lease.attempt],
    );
  }

  async setPaused(id: string, paused: boolean): Promise<boolean> {
    const result = await this.db.query(`WITH changed AS (UPDATE squad_runs SET paused = $2 WHERE id = $1 AND state = 'claimed' RETURNING id) SELECT pg_notify('squad_run', id) FROM changed`, [
      id,
      paused,
    ]);
    return result.rowCount === 1;
  }

  async reportHeld(lease: Lease, held: HeldAt | null, paused: boolean): Promise<boolean> {
    const result = await this.db.query(
      `WITH changed AS (UPDATE squad_runs SET held = $4, paused = $5 WHERE id = $1 AND owner = $2 AND attempts = $3 AND state = 'claimed' RETURNING id) SELECT pg_notify('squad_run', id) FROM changed`,
      [lease.id, lease.owner, lease.attempt, held === null ? null : JSON.stringify(held), paused],
    );
    return result.rowCount === 1;
  }

  async cancelQueued(id: string, reason: string): Promise<boolean> {
    const result = await this.db.query(
      `WITH cancelled AS (UPDATE squad_runs SET state = 'cancelled', outcome = 'cancelled', reason = $2, ended_at = clock_timestamp() WHERE id = $1 AND state = 'queued' RETURNING id)
       SELECT pg_notify('squad_run', id) FROM cancelled`,
      [id, reason],
    );
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

  watch(listener: (id: string | null) => void): () => void {
    return this.db.on('squad_run', listener);
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

function heldOf(row: Row): HeldAt | null {
  if (row.held === null) return null;
  const parsed = HeldAtSchema.safeParse(row.held);
  if (!parsed.success) throw new JournalError(`squad_runs ${row.id}: not a valid held checkpoint: ${parsed.error.issues[0]?.message ?? ''}`);
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
    paused: row.paused,
    held: heldOf(row),
    outcome: row.outcome,
    reason: row.reason,
    createdAt: row.created_at,
    claimedAt: row.claimed_at,
    endedAt: row.ended_at,
  };
}
