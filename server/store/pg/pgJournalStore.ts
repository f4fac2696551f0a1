import { RunEventSchema, type RunEvent } from '../../../protocol/runEvent';
import type { JournalWriter } from '../../engine/journalWriter';
import { BatchingJournalWriter, type StoredLine } from '../batchingJournalWriter';
import { followByPolling } from '../followByPolling';
import { JournalError } from '../journalError';
import { checkJournalId, journalIdCandidates } from '../journalId';
import type { JournalEntry, JournalFence, JournalStore, JournalWriterOptions, OpenedJournal, ReopenOptions } from '../journalStore';
import type { PgDatabase } from './pgDatabase';

/**
 * Journals in PostgreSQL: one row per event (`squad_events`, the line's JSON text as written), one
 * row per journal (`squad_journals`: last seq, completed). A writer's group commit is one statement
 * per batch (insert the lines, move `last_seq`, NOTIFY `squad_journal`), so a batch is all or
 * nothing and followers in any process hear of it when it commits. The primary key (journal, seq)
 * is the fence: a second writer of the same seq fails its commit. A writer reopened with a lease
 * (`ReopenOptions.fence`) is fenced by it too: its batch goes in only if the run's row in
 * `squad_runs` still names that owner and claim, checked under a share lock in the same statement
 * (a claim that takes the run over waits for the batch, or the batch sees the claim and inserts
 * nothing); each line keeps the lease it was written under (`holder`: `worker#claim`).
 */
export class PgJournalStore implements JournalStore {
  constructor(private readonly db: PgDatabase) {}

  get location(): string {
    return this.db.location;
  }

  async create(runId: string, options: JournalWriterOptions = {}): Promise<{ id: string; writer: JournalWriter }> {
    checkJournalId(runId);
    const taken = new Set((await this.db.query<{ id: string }>('SELECT id FROM squad_journals WHERE run_id = $1', [runId])).rows.map((r) => r.id));
    for (const id of journalIdCandidates(runId)) {
      if (taken.has(id)) continue;
      const inserted = await this.db.query('INSERT INTO squad_journals (id, run_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, runId]);
      if (inserted.rowCount === 1) return { id, writer: this.writerFor(id, options) };
    }
    throw new JournalError(`${this.location}: too many journals for run ${runId}`);
  }

  async reopen(id: string, options: ReopenOptions = {}): Promise<OpenedJournal> {
    const events = await this.read(id);
    return { id, events, writer: this.writerFor(id, {}, options.fence) };
  }

  async read(id: string, fromSeq = 1, toSeq = 2_147_483_647): Promise<RunEvent[]> {
    const { rows } = await this.db.query<{ seq: number; body: string }>('SELECT seq, body FROM squad_events WHERE journal_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq', [
      id,
      Math.max(1, fromSeq),
      Math.min(toSeq, 2_147_483_647),
    ]);
    if (rows.length === 0 && (await this.db.query('SELECT 1 FROM squad_journals WHERE id = $1', [id])).rowCount === 0) {
      throw new JournalError(`${this.location}: no journal ${JSON.stringify(id)}`, { code: 'ENOENT' });
    }
    return rows.map((r) => parseLine(id, r.seq, r.body));
  }

  /** The journal as its JSONL text, byte for byte what the file store writes (`squad export`). */
  async *exportLines(id: string): AsyncGenerator<string> {
    const page = 5000;
    for (let from = 1; ; from += page) {
      const { rows } = await this.db.query<{ body: string }>('SELECT body FROM squad_events WHERE journal_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq', [id, from, from + page]);
      for (const r of rows) yield r.body + '\n';
      if (rows.length < page) return;
    }
  }

  follow(id: string, fromSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    return followByPolling(
      (from) => this.read(id, from),
      fromSeq,
      signal,
      (wake) =>
        this.db.on('squad_journal', (payload) => {
          if (payload === null || payload === id) wake();
        }),
    );
  }

  async list(): Promise<JournalEntry[]> {
    const { rows } = await this.db.query<{ id: string; last_seq: number; updated_at: Date; completed: boolean }>(
      'SELECT id, last_seq, updated_at, completed FROM squad_journals ORDER BY updated_at DESC, id DESC',
    );
    return rows.map((r) => ({ id: r.id, events: r.last_seq, updatedAt: r.updated_at, completed: r.completed }));
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM squad_journals WHERE id = $1', [id])).rowCount === 1;
  }

  async unfinished(): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>('SELECT id FROM squad_journals WHERE last_seq > 0 AND NOT completed ORDER BY updated_at DESC');
    return rows.map((r) => r.id);
  }

  async close(): Promise<void> {}

  private writerFor(id: string, options: JournalWriterOptions = {}, fence?: () => JournalFence): JournalWriter {
    return new BatchingJournalWriter((batch) => this.commit(id, batch, fence?.()), { name: `${this.location} journal ${id}`, ...options });
  }

  private async commit(id: string, batch: StoredLine[], fence: JournalFence | undefined): Promise<void> {
    const last = batch[batch.length - 1]!;
    const values = [id, batch.map((l) => l.seq), batch.map((l) => l.type), batch.map((l) => l.json), last.seq, batch.some((l) => l.type === 'run.completed')];
    // One statement for both writers: without a fence ($7 and $8 null) nothing is checked and the
    // lines carry no holder; with one, the batch goes in only while the claim is still this
    // holder's, atomically with the check (the row stays shared-locked until the batch commits).
    const { rows } = await this.db.query<{ id: string }>(
      `WITH fence AS (
         SELECT id FROM squad_runs WHERE id = $1 AND owner = $7::text AND attempts = $8::int AND state = 'claimed' FOR SHARE
       ), allowed AS (
         SELECT $7::text IS NULL OR EXISTS (SELECT 1 FROM fence) AS ok
       ), lines AS (
         INSERT INTO squad_events (journal_id, seq, type, body, holder)
         SELECT $1, s, t, b, $7::text || '#' || $8::int FROM unnest($2::int[], $3::text[], $4::text[]) AS x(s, t, b) WHERE (SELECT ok FROM allowed)
       ), moved AS (
         UPDATE squad_journals SET last_seq = GREATEST(last_seq, $5), updated_at = now(), completed = completed OR $6
         WHERE id = $1 AND (SELECT ok FROM allowed) RETURNING id
       )
       SELECT pg_notify('squad_journal', id) AS id FROM moved`,
      [...values, fence?.owner ?? null, fence?.attempt ?? null],
    );
    if (rows.length === 1) return;
    if (fence) {
      // Nothing went in. Why, for the message (the refusal itself was atomic with the batch).
      const { rows: run } = await this.db.query<{ owner: string | null; attempts: number; state: string }>('SELECT owner, attempts, state FROM squad_runs WHERE id = $1', [id]);
      const now = run[0];
      if (!now || now.owner !== fence.owner || now.attempts !== fence.attempt || now.state !== 'claimed')
        throw new JournalError(
          `${this.location}: journal ${id}: seq ${batch[0]!.seq}-${last.seq} refused: the lease of ${fence.owner} (claim ${fence.attempt}) is gone (${now ? `run ${now.state}, claim ${now.attempts} by ${now.owner ?? 'nobody'}` : 'no run'})`,
          { code: 'EFENCED' },
        );
    }
    throw new JournalError(`${this.location}: journal ${id} was deleted`);
  }
}

/** A stored line, validated as it leaves the database (wire data is never trusted as typed). */
function parseLine(id: string, seq: number, body: string): RunEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new JournalError(`journal ${id}:${seq}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = RunEventSchema.safeParse(json);
  if (!parsed.success) throw new JournalError(`journal ${id}:${seq}: not a valid run event: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
