/**
 * The signal one streaming call runs under: the run's signal (the run halted or was cancelled), or a
 * stall of the stream. SDK timeouts cover the wait for the response to start; a stream that starts
 * and then goes silent would hang the run without this. Call `alive()` on every chunk and `dispose()`
 * when the call ends, however it ends.
 */
export class StreamWatchdog {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly onAbort: () => void;
  /** Set when the watchdog, not the run, stopped the call. */
  stalledMs: number | null = null;

  constructor(
    private readonly run: AbortSignal,
    private readonly idleMs: number,
  ) {
    this.onAbort = () => this.controller.abort(run.reason);
    if (run.aborted) this.controller.abort(run.reason);
    else run.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts or restarts the idle timer: data just arrived, or the response just started. */
  alive(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.stalledMs = this.idleMs;
      this.controller.abort(new Error(`no data for ${this.idleMs} ms`));
    }, this.idleMs);
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.run.removeEventListener('abort', this.onAbort);
  }
}
