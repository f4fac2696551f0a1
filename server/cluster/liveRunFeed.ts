import type { RunInfo, RunState } from '../../protocol/api/runInfo';
import { TERMINAL_STATES } from '../../protocol/api/runInfo';
import type { QueueEntry, RunQueue } from '../store/runQueue';

export interface LiveRunFeedOptions {
  queue: RunQueue;
  /** A queue entry as the API shows it (the journal's fold plus the row). */
  infoOf(entry: QueueEntry): Promise<RunInfo>;
  log?: (line: string) => void;
  /** Ended runs whose last state is kept for `stateOf` (a stream's `end` frame). Default 1000. */
  keepEnded?: number;
}

/**
 * An API server's live view of the runs of the whole deployment, for tenant subscriptions
 * (`subscribe.tenant`) and a stream's end state: the runs not yet ended, kept from the queue's change
 * feed (`RunQueue.watch`: every process's enqueue, claim, pause, held checkpoint, release and end),
 * so a run started through any API server and executed by any worker appears live on every one.
 * Changes are applied one at a time, in the order they arrive; a null (changes may have been
 * missed) reads every unfinished run again.
 */
export class LiveRunFeed {
  private readonly live = new Map<string, RunInfo>();
  private readonly ended = new Map<string, RunState>();
  private readonly listeners = new Set<(run: RunInfo) => void>();
  private chain: Promise<void> = Promise.resolve();
  private stopWatching: (() => void) | null = null;

  constructor(private readonly o: LiveRunFeedOptions) {}

  /** Loads the unfinished runs and follows the changes from now on. */
  async start(): Promise<void> {
    if (this.stopWatching) return;
    this.stopWatching = this.o.queue.watch((id) => {
      this.chain = this.chain
        .then(() => (id === null ? this.reload() : this.apply(id)))
        .catch((error: unknown) => this.o.log?.(`live runs: ${error instanceof Error ? error.message : String(error)}`));
    });
    await this.reload();
  }

  stop(): void {
    this.stopWatching?.();
    this.stopWatching = null;
    this.listeners.clear();
  }

  /** Resolves once every change that has arrived is applied (tests). */
  settled(): Promise<void> {
    return this.chain;
  }

  runsOf(tenant: string): RunInfo[] {
    return [...this.live.values()].filter((r) => r.tenant === tenant);
  }

  stateOf(id: string): RunState | null {
    return this.live.get(id)?.state ?? this.ended.get(id) ?? null;
  }

  onChange(listener: (run: RunInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async reload(): Promise<void> {
    const entries = (await this.o.queue.list({ limit: 10_000 })).filter((e) => e.state === 'queued' || e.state === 'claimed');
    const seen = new Set(entries.map((e) => e.id));
    for (const id of [...this.live.keys()]) if (!seen.has(id)) await this.apply(id);
    for (const e of entries) this.update(await this.o.infoOf(e));
  }

  private async apply(id: string): Promise<void> {
    const entry = await this.o.queue.get(id);
    if (!entry) {
      this.live.delete(id);
      return;
    }
    this.update(await this.o.infoOf(entry));
  }

  private update(info: RunInfo): void {
    if (TERMINAL_STATES.includes(info.state)) {
      this.live.delete(info.id);
      this.ended.delete(info.id);
      this.ended.set(info.id, info.state);
      for (const id of this.ended.keys()) {
        if (this.ended.size <= (this.o.keepEnded ?? 1000)) break;
        this.ended.delete(id);
      }
    } else this.live.set(info.id, info);
    for (const l of [...this.listeners]) l(info);
  }
}
