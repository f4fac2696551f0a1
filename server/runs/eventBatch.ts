import type { MessagePort } from 'node:worker_threads';
import type { RunEvent } from '../../protocol/runEvent';
import type { FromThreadMessage } from '../../protocol/runThreadMessage';

/** Events sent in one message at most. */
const MAX_EVENTS = 256;
/** How long an event may wait for its batch, in ms, while the engine does not yield. */
const MAX_DELAY_MS = 10;

/**
 * A run thread's events on their way to the HTTP thread, in journal order and batched: one message
 * per turn of the thread's event loop, or per MAX_EVENTS, or after MAX_DELAY_MS of an engine that
 * does not yield, whichever comes first, so the HTTP thread takes a few structured clones rather
 * than one per event and a follower still sees events within milliseconds. `flush` sends what is
 * held at once: before a `held`, `flushed` or `ended` message, which must come after the events.
 */
export class EventBatch {
  private events: RunEvent[] = [];
  private seconds: number[] = [];
  private since = 0;
  private scheduled = false;

  constructor(
    private readonly port: MessagePort,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(event: RunEvent): void {
    this.begin();
    this.events.push(event);
    if (this.events.length >= MAX_EVENTS || this.now() - this.since > MAX_DELAY_MS) this.flush();
  }

  /** One journal append's latency, for the metrics. */
  addAppendSeconds(seconds: number): void {
    this.begin();
    this.seconds.push(seconds);
  }

  flush(): void {
    if (this.events.length === 0 && this.seconds.length === 0) return;
    const message: FromThreadMessage = { kind: 'events', events: this.events, appendSeconds: this.seconds };
    this.events = [];
    this.seconds = [];
    this.port.postMessage(message);
  }

  private begin(): void {
    if (this.events.length === 0 && this.seconds.length === 0) this.since = this.now();
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }
}
