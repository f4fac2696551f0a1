import pg from 'pg';
import { StoreUnavailableError } from '../storeUnavailableError';
import { MIGRATIONS } from './pgMigrations';

/** The NOTIFY channels the stores use. */
export type PgChannel = 'squad_journal' | 'squad_queue' | 'squad_control' | 'squad_token' | 'squad_run';
const CHANNELS: readonly PgChannel[] = ['squad_journal', 'squad_queue', 'squad_control', 'squad_token', 'squad_run'];

/** Any number: the advisory lock the migrations hold. */
const MIGRATION_LOCK = 7_391_114;
/** Reconnect delays of the LISTEN connection, then the last one again. */
const RECONNECT_MS = [100, 250, 500, 1000, 2000];

export interface PgDatabaseOptions {
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  log?: (line: string) => void;
  /**
   * A bound on every query of the pool, and on getting a connection for one: the client gives up
   * after this long (and drops the connection), the server cancels a statement that runs longer or
   * ends a session left idle inside a transaction. Without it a query over a cut network hangs
   * until TCP gives up (minutes). A worker sets it from its lease (see `workerCommand`): a heartbeat
   * that cannot finish in time is worth nothing. Default: none (the API and the CLI's own commands).
   */
  queryTimeoutMs?: number;
}

/**
 * One process's connection to the scale-out database: a pool for queries and one dedicated
 * connection that LISTENs on the stores' channels and hands each notification to the handlers of
 * its channel. When that connection drops (a restart, a cut network), it reconnects with backoff
 * and then calls every handler with `null`: notifications may have been missed, so followers read
 * again rather than wait.
 */
export class PgDatabase {
  private readonly handlers = new Map<PgChannel, Set<(payload: string | null) => void>>();
  private listener: pg.Client | null = null;
  private closed = false;
  private reconnecting = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly url: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Connects, applies the migrations this version has and the database lacks, and starts listening. */
  static async open(url: string, options: PgDatabaseOptions = {}): Promise<PgDatabase> {
    const log = options.log ?? (() => {});
    const bound = options.queryTimeoutMs;
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: bound ?? 10_000,
      ...(bound === undefined ? {} : { query_timeout: bound, statement_timeout: bound, idle_in_transaction_session_timeout: bound }),
    });
    // An idle client's error (the server restarted) must not crash the process: the next query reconnects.
    pool.on('error', (error) => log(`postgres: idle connection failed: ${error.message}`));
    const db = new PgDatabase(pool, url, log);
    try {
      await db.migrate();
      await db.listen();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return db;
  }

  /** `postgres://user@host:port/db`, with any password hidden. */
  get location(): string {
    try {
      const u = new URL(this.url);
      u.password = '';
      return u.toString();
    } catch {
      return 'postgres';
    }
  }

  /** One statement. A failure to reach the database or to hear from it in time rejects with `StoreUnavailableError`. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values).catch((error: unknown) => Promise.reject(unavailable(error, this.location)));
  }

  /** Runs `work` in one transaction on one connection (failures to reach the database as for `query`). */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => Promise.reject(unavailable(error, this.location)));
    let result: T;
    try {
      await client.query('BEGIN');
      result = await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A connection whose statement timed out is in an unknown state (the statement may still run
      // when the network comes back): the pool drops it rather than lend it again.
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw unavailable(error, this.location);
    }
    client.release();
    return result;
  }

  /** Calls `handler` with each payload NOTIFYed on `channel` (and `null` after a reconnect) until the returned function is called. */
  on(channel: PgChannel, handler: (payload: string | null) => void): () => void {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  notify(channel: PgChannel, payload: string): Promise<unknown> {
    return this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await this.listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS squad_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM squad_migrations')).rows.map((r) => r.version));
      const newest = Math.max(0, ...applied);
      const known = Math.max(...MIGRATIONS.map((m) => m.version));
      if (newest > known) throw new Error(`${this.location}: the database's schema is version ${newest}, newer than this Squad Studio knows (${known}): update Squad Studio`);
      for (const m of MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await client.query(m.sql);
        await client.query('INSERT INTO squad_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        this.log(`postgres: applied migration ${m.version} (${m.name})`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, connectionTimeoutMillis: 10_000 });
    client.on('notification', (n) => {
      const set = this.handlers.get(n.channel as PgChannel);
      if (set) for (const h of [...set]) h(n.payload ?? '');
    });
    client.on('error', (error) => {
      this.log(`postgres: LISTEN connection failed: ${error.message}`);
      void this.reconnect(client);
    });
    client.on('end', () => void this.reconnect(client));
    await client.connect();
    for (const channel of CHANNELS) await client.query(`LISTEN ${channel}`);
    this.listener = client;
  }

  private async reconnect(dead: pg.Client): Promise<void> {
    if (this.closed || this.reconnecting || this.listener !== dead) return;
    this.reconnecting = true;
    dead.removeAllListeners();
    dead.on('error', () => undefined);
    await dead.end().catch(() => undefined);
    for (let attempt = 0; !this.closed; attempt++) {
      await new Promise((r) => setTimeout(r, RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)]));
      try {
        await this.listen();
        break;
      } catch (error) {
        this.log(`postgres: cannot LISTEN again yet: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.reconnecting = false;
    for (const set of this.handlers.values()) for (const h of [...set]) h(null);
  }
}

/** SQLSTATEs of a database that went away or gave up on the statement: connection exceptions, shutdowns, timeouts. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0.|57014|25P03)$/;
/** What node-postgres and Node say when the server cannot be reached or does not answer. */
const UNAVAILABLE_MESSAGE = /timeout|Connection terminated|connection error|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE/i;

/** `error` as a StoreUnavailableError when it says the database could not be reached or answer in time; else as it is. */
function unavailable(error: unknown, location: string): unknown {
  if (!(error instanceof Error)) return error;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  // The server's own errors carry a SQLSTATE; the driver's and the socket's do not.
  const fromServer = error instanceof pg.DatabaseError;
  if (fromServer ? UNAVAILABLE_SQLSTATE.test(code) : UNAVAILABLE_MESSAGE.test(`${code} ${error.message}`)) return new StoreUnavailableError(`${location}: ${error.message}`, { cause: error });
  return error;
}
