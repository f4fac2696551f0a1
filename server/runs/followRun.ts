import type { RunEvent } from '../../protocol/runEvent';
import { readJournalFile } from '../store/readJournal';

/** A run whose events can be followed: its journal file, and while it runs, its live events. */
export interface FollowSource {
  readonly journalPath: string;
  /** The last seq the run has emitted (perhaps not yet durable). */
  lastSeq(): number;
  /** False once the run can emit no more events. */
  isLive(): boolean;
  /**
   * Calls `listener` synchronously with each event emitted from now on, and `ended` once when the run
   * can emit no more, until the returned function is called.
   */
  listen(listener: (event: RunEvent) => void, ended: () => void): () => void;
  /** Resolves once every event emitted so far can be read from the journal file. */
  flush(): Promise<void>;
}

export interface FollowSink {
  /**
   * Each event once, in seq order, with no gaps, starting at `fromSeq`; `live` is false for events
   * of the catch-up (from the journal, or held while it was read), true once the follower is live.
   */
  event(event: RunEvent, live: boolean): void;
  /**
   * Paces the catch-up: awaited between chunks of journal events, so a consumer can send what it
   * has before it gets more. Optional.
   */
  drain?(): Promise<void>;
  /** Every event was delivered and the run can emit no more (after `run.completed`, or a journal that stopped). */
  end(): void;
  error(error: unknown): void;
}

export interface Follower {
  /** Stops delivering; `nextSeq` is the first seq not delivered. */
  stop(): void;
  readonly nextSeq: number;
}

/** Live events held while the journal is read; past this, they are dropped and the journal read again. */
const MAX_PENDING = 50_000;
/** Journal events delivered between two `drain` calls. */
const CATCH_UP_CHUNK = 256;

/**
 * Follows a run from `fromSeq`: catches up from the journal file, then goes on live, delivering each
 * event exactly once and in order.
 *
 * Why it is exact: the live listener is registered before the journal is flushed and read, so every
 * event is either emitted before the flush (and so in the file) or seen by the listener (and held in
 * `pending` until the file's events are out); events in both are told apart by seq. If the run emits
 * more than MAX_PENDING events while the file is read, the held events are dropped and the file read
 * again from where delivery stopped, so memory stays bounded.
 */
export function followRun(source: FollowSource, fromSeq: number, sink: FollowSink): Follower {
  let next = fromSeq;
  let stopped = false;
  let live = false;
  let ended = false;
  let pending: RunEvent[] = [];
  let overflow = false;

  const finish = (): void => {
    if (ended || stopped) return;
    ended = true;
    unlisten();
    sink.end();
  };
  const fail = (error: unknown): void => {
    if (stopped) return;
    stopped = true;
    unlisten();
    sink.error(error);
  };
  const deliver = (e: RunEvent): void => {
    if (stopped || ended || e.seq < next) return;
    if (e.seq > next) {
      fail(new Error(`journal gap: expected seq ${next}, got ${e.seq}`));
      return;
    }
    next += 1;
    sink.event(e, live);
    if (e.type === 'run.completed') finish();
  };
  const unlisten = source.isLive()
    ? source.listen(
        (e) => {
          if (stopped || ended) return;
          if (live) deliver(e);
          else if (pending.length < MAX_PENDING) pending.push(e);
          else overflow = true;
        },
        () => {
          // A run that stopped without run.completed (an engine failure, a shutdown): once the
          // catch-up is out, nothing more will come.
          if (live) finish();
        },
      )
    : () => {};

  void (async () => {
    try {
      for (;;) {
        overflow = false;
        pending = [];
        if (next > source.lastSeq() && source.isLive()) break;
        await source.flush();
        if (stopped || ended) return;
        const { events } = await readJournalFile(source.journalPath);
        if (stopped || ended) return;
        for (let i = next - 1; i < events.length && !stopped && !ended; i++) {
          deliver(events[i]!);
          if (sink.drain && (i + 2) % CATCH_UP_CHUNK === 0) await sink.drain();
        }
        if (stopped || ended) return;
        if (!overflow) break;
      }
      for (const e of pending) deliver(e);
      pending = [];
      live = true;
      if (!source.isLive()) finish();
    } catch (error) {
      fail(error);
    }
  })();

  return {
    stop: () => {
      stopped = true;
      pending = [];
      unlisten();
    },
    get nextSeq() {
      return next;
    },
  };
}
