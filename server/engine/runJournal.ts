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

  emit(draft: RunEventDraft): RunEvent {
    // Key order is part of the byte-for-byte contract: runId and seq first, then the draft's fields.
    const event = { runId: this.runId, seq: ++this.seq, ...draft };
    if (!this.writer.append(event)) this.overWaterMark = true;
    for (const listener of this.listeners) listener(event);
    // The writer measures the journal; a limit it reached is journaled here, as the run's own event,
    // so a replay (whose writer measures the same events) journals it at the same seq. Nothing may
    // follow run.completed, so a limit reached by that last event goes unreported.
    const reached = this.writer.takeLimitReached?.();
    if (reached && event.type !== 'run.completed') this.emit({ type: 'journal.limit', t: event.t, agent: null, spanId: 'run', parentSpanId: null, ...reached });
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
