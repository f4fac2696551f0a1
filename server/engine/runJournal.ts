import type { RunEvent, RunEventDraft } from '../../protocol/runEvent';
import type { JournalWriter } from './journalWriter';

export type RunEventListener = (event: RunEvent) => void;

/**
 * The engine's side of the journal: stamps each draft with the run id and the next `seq`, writes it,
 * then tells listeners (live views, accounting). Listeners see exactly what was written, in order.
 */
export class RunJournal {
  private seq = 0;
  private readonly listeners = new Set<RunEventListener>();
  private overWaterMark = false;

  constructor(
    readonly runId: string,
    private readonly writer: JournalWriter,
  ) {}

  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Stamps `draft` with the run id and the next `seq`, writes it and tells the listeners. Key order
   * is part of the byte-for-byte contract: runId and seq first, then the draft's fields. A draft
   * copied behind its stamp costs a generic property copy (several hundred ns, the largest part of
   * emitting); so the events of every step are written stamped in place, `{ runId, seq: 0, type, … }`
   * (see `stamped`), and only get their seq set here. Any other draft is copied as before.
   */
  emit(draft: RunEventDraft | RunEvent): RunEvent {
    const event = this.stamp(draft, ++this.seq);
    if (!this.writer.append(event)) this.overWaterMark = true;
    for (const listener of this.listeners) listener(event);
    // The writer measures the journal; a limit it reached is journaled here, as the run's own event,
    // so a replay (whose writer measures the same events) journals it at the same seq. Nothing may
    // follow run.completed, so a limit reached by that last event goes unreported.
    const reached = this.writer.takeLimitReached?.();
    if (reached && event.type !== 'run.completed') this.emit({ type: 'journal.limit', t: event.t, agent: null, spanId: 'run', parentSpanId: null, ...reached });
    return event;
  }

  /** The event `draft` is as `seq`, without journaling it: in place when it is stamped, else a copy. */
  stamp(draft: RunEventDraft | RunEvent, seq: number): RunEvent {
    if (stamped(draft, this.runId)) {
      draft.seq = seq;
      return draft;
    }
    const event: RunEvent = { runId: this.runId, seq, ...draft };
    // A draft that carries a stamp of its own (out of order, another run's) does not keep it.
    event.runId = this.runId;
    event.seq = seq;
    return event;
  }

  /** True when the writer asked the run to wait for it (see `backpressure`). */
  get needsDrain(): boolean {
    return this.overWaterMark;
  }

  /** Waits only when the writer asked for it, so a fast run cannot outgrow the journal's buffer. */
  async backpressure(): Promise<void> {
    if (!this.overWaterMark) return;
    this.overWaterMark = false;
    await this.writer.drain();
  }

  subscribe(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * True when `draft` was written with its stamp in place: `runId` (this run's) and `seq` as its first
 * two keys, so setting `seq` gives the event with the journal's key order. Checked, not assumed: a
 * draft whose keys start otherwise is copied behind a stamp, so a call site that gets the order
 * wrong costs time, never bytes.
 */
function stamped(draft: RunEventDraft | RunEvent, runId: string): draft is RunEvent {
  if ((draft as Partial<RunEvent>).runId !== runId) return false;
  let i = 0;
  for (const key in draft) {
    if (key !== (i === 0 ? 'runId' : 'seq')) return false;
    if (++i === 2) return true;
  }
  return false;
}
