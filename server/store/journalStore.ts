import type { RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';

/** How a store's writer buffers (tests lower the high-water mark). */
export interface JournalWriterOptions {
  /** Pending bytes above which `append` returns false. Default 1 MiB. */
  highWaterMark?: number;
}

/** One saved journal as a store lists it. */
export interface JournalEntry {
  /** The journal's handle in every API: the run id, or `<runId>-N` for the Nth run with that id. */
  id: string;
  /** Events stored (the last seq), or null where the store cannot tell without reading the journal (files). */
  events: number | null;
  /** When it was last appended to. */
  updatedAt: Date;
  /** True once its last event is `run.completed`. */
  completed: boolean;
}

/**
 * The lease a writer appends under (a worker's claim on the run, see `RunQueue`): read at each
 * commit, since a worker that claims its own run again goes on under the new claim.
 */
export interface JournalFence {
  owner: string;
  attempt: number;
}

export interface ReopenOptions {
  /**
   * Append only while this lease holds. A store that keeps the run queue beside the journals
   * (PostgreSQL) checks it in the same statement as each batch and refuses the batch, whole, once
   * another claim replaced the lease (`JournalError` code `EFENCED`): a worker cut off from the
   * database whose writes arrive after another took the run over writes nothing. Stores with no
   * queue beside them (files, memory: one process) keep the seq fence only.
   */
  fence?: () => JournalFence;
}

export interface OpenedJournal {
  id: string;
  writer: JournalWriter;
  /** The events already stored (a resumed run's recorded part; empty for a new journal). */
  events: RunEvent[];
}

/**
 * Port: where run journals live, shared by every process that runs or shows runs. Adapters: the
 * workspace's JSONL files (`FileJournalStore`, the embedded default), memory (tests) and PostgreSQL.
 * Every adapter passes `journalStoreConformance`.
 *
 * Contract: a journal is append-only and gap-free (seq 1, 2, 3 … as the engine assigned them); a
 * writer from `create`/`reopen` appends with group commit (see `JournalWriter`); two writers racing
 * for the same seq cannot both win (the loser's flush fails), which is what fences a worker that lost
 * its lease but has not noticed yet; `ReopenOptions.fence` is the stronger fence, by lease.
 */
export interface JournalStore {
  /** A human-readable name for messages and `RunDetail.journal` (a directory, a database). */
  readonly location: string;
  /** Claims a new journal for `runId` (`runId`, else `runId-2`, …): the id is unique even across processes. */
  create(runId: string, options?: JournalWriterOptions): Promise<{ id: string; writer: JournalWriter }>;
  /** Opens a journal to go on appending after its last complete event (a torn tail is cut). */
  reopen(id: string, options?: ReopenOptions): Promise<OpenedJournal>;
  /** Events `fromSeq` .. `toSeq` (inclusive; default: to the end). Throws `JournalError` (code ENOENT) for an unknown id. */
  read(id: string, fromSeq?: number, toSeq?: number): Promise<RunEvent[]>;
  /**
   * Events from `fromSeq` on as they are appended, in order, each once; ends after `run.completed`,
   * or when `signal` aborts. Another process's appends are seen too.
   */
  follow(id: string, fromSeq: number, signal: AbortSignal): AsyncIterable<RunEvent>;
  /** Every journal, most recently written first. */
  list(): Promise<JournalEntry[]>;
  /** True when a journal was deleted. */
  delete(id: string): Promise<boolean>;
  /** Ids of journals that have events but no `run.completed` (runs a crash or shutdown cut short). */
  unfinished(): Promise<string[]>;
  /** Releases connections and watchers. */
  close(): Promise<void>;
}
