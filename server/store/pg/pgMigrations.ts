/**
 * The schema, as numbered migrations applied in order at start (`PgDatabase.open`), each once, in a
 * transaction that holds an advisory lock so processes starting together do not race. Never edit a
 * migration that has shipped: add the next one.
 *
 * Journal lines are stored as `text`, not `jsonb`: jsonb reorders keys, and a journal's bytes are
 * part of its contract (an exported journal is byte-identical to the JSONL file a local run writes).
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'journals, queue, ledger, tokens',
    sql: `
      CREATE TABLE squad_journals (
        id text PRIMARY KEY,
        run_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_seq integer NOT NULL DEFAULT 0,
        completed boolean NOT NULL DEFAULT false
      );
      CREATE INDEX squad_journals_run_id ON squad_journals (run_id);
      CREATE INDEX squad_journals_updated ON squad_journals (updated_at DESC);
      CREATE TABLE squad_events (
        journal_id text NOT NULL REFERENCES squad_journals (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        type text NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (journal_id, seq)
      );
      CREATE TABLE squad_runs (
        id text PRIMARY KEY,
        tenant text NOT NULL,
        ticket jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('queued', 'claimed', 'done', 'cancelled')),
        owner text,
        attempts integer NOT NULL DEFAULT 0,
        lease_expires timestamptz,
        outcome text,
        reason text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        claimed_at timestamptz,
        ended_at timestamptz
      );
      CREATE INDEX squad_runs_claimable ON squad_runs (created_at, id) WHERE state IN ('queued', 'claimed');
      CREATE INDEX squad_runs_tenant ON squad_runs (tenant, created_at DESC);
      CREATE TABLE squad_reservations (
        id bigserial PRIMARY KEY,
        tenant text NOT NULL,
        day date NOT NULL,
        run_key text,
        granted double precision NOT NULL,
        spent double precision NOT NULL DEFAULT 0,
        open boolean NOT NULL DEFAULT true
      );
      CREATE INDEX squad_reservations_day ON squad_reservations (tenant, day);
      CREATE UNIQUE INDEX squad_reservations_open_key ON squad_reservations (run_key) WHERE open AND run_key IS NOT NULL;
      CREATE TABLE squad_tokens (
        digest text PRIMARY KEY,
        tenant text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE squad_workers (
        id text PRIMARY KEY,
        concurrency integer NOT NULL,
        alive_until timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'paused runs and where they are held',
    sql: `
      ALTER TABLE squad_runs ADD COLUMN paused boolean NOT NULL DEFAULT false, ADD COLUMN held jsonb;
    `,
  },
  {
    version: 3,
    name: 'the lease each journal line was written under',
    sql: `
      ALTER TABLE squad_events ADD COLUMN holder text;
    `,
  },
];
