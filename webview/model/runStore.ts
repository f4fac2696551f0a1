import type { RunEvent } from '../../protocol/runEvent';
import { applyRunEvent, emptyRunView, type RunView } from './runView';

/** Schedules one callback per frame: `requestAnimationFrame` in a page, a stub in tests. */
export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

/**
 * A live run's view, fed by the stream and read by React. Events are queued as they arrive (never
 * dropped, never sampled) and folded once per animation frame, then listeners hear one change: at
 * 2,000 events/s that is ~33 events a frame and one render, not 2,000 renders.
 */
export class RunStore {
  private view: RunView = emptyRunView();
  private queue: RunEvent[][] = [];
  private scheduled: number | null = null;
  private readonly listeners = new Set<() => void>();
  /** Increases on every fold: React's snapshot (the view itself is mutated in place). */
  version = 0;
  /** Events received and folded, for the benchmark and the status line. */
  received = 0;

  constructor(private readonly frames: FrameScheduler) {}

  get current(): RunView {
    return this.view;
  }

  push(events: readonly RunEvent[]): void {
    if (events.length === 0) return;
    this.queue.push([...events]);
    this.received += events.length;
    this.scheduled ??= this.frames.request(() => this.flush());
  }

  /** Replaces the view (a replay position); pending live events are folded on top of it. */
  reset(view: RunView = emptyRunView()): void {
    this.view = view;
    this.bump();
  }

  /** Folds everything queued now (the frame callback; also for tests and a final render). */
  flush(): void {
    this.scheduled = null;
    const queue = this.queue;
    this.queue = [];
    for (const batch of queue) for (const e of batch) applyRunEvent(this.view, e);
    this.bump();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  dispose(): void {
    if (this.scheduled !== null) this.frames.cancel(this.scheduled);
    this.scheduled = null;
    this.queue = [];
    this.listeners.clear();
  }

  private bump(): void {
    this.version++;
    for (const l of [...this.listeners]) l();
  }
}
