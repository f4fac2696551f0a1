import type { RunState } from '../../protocol/api/runInfo';
import type { RunEvent } from '../../protocol/runEvent';
import type { Follower, FollowSink } from '../runs/followRun';

/** What a channel needs of its connection. */
export interface ChannelHost {
  /** Bytes queued on the socket and not yet sent. */
  bufferedBytes(): number;
  /** Asks for a batch send soon (coalesced). */
  schedule(): void;
  sendLagged(id: string, run: string, nextSeq: number): void;
  /** Starts following `run` from `fromSeq` into `sink`. */
  follow(run: string, fromSeq: number, sink: FollowSink): Promise<Follower>;
  /** The run's state when the follower says it ended, for the `end` frame. */
  stateOf(run: string): RunState;
  fail(id: string, error: unknown): void;
}

export interface ChannelLimits {
  /** Events queued for the client past which it is lagging. */
  maxQueuedEvents: number;
  /** Socket bytes past which the client is lagging. */
  maxBufferedBytes: number;
  /** Socket bytes below which a lagging client catches up again. */
  resumeBelowBytes: number;
  /** How often a lagging channel looks at the socket again, in ms. */
  lagPollMs: number;
}

/**
 * One run's events on its way to one client of one subscription. Events are queued here and sent in
 * batches by the session. When the client falls behind (too many queued events, or too many bytes
 * on the socket), the channel stops its follower, drops the queue, tells the client `lagged` with
 * the next seq, and once the socket has drained follows again from that seq: catch-up from the
 * journal. The engine is never slowed and memory per client stays bounded; the client still gets
 * every event once and in order.
 */
export class StreamChannel {
  queue: RunEvent[] = [];
  private follower: Follower | null = null;
  private nextSeq: number;
  private lagTimer: NodeJS.Timeout | null = null;
  private completedStatus: RunState | null = null;
  /** Set when the follower ended: the `end` frame goes after the queue. */
  endState: RunState | null = null;
  closed = false;

  constructor(
    readonly subId: string,
    readonly run: string,
    fromSeq: number,
    private readonly host: ChannelHost,
    private readonly limits: ChannelLimits,
  ) {
    this.nextSeq = fromSeq;
  }

  async start(): Promise<void> {
    const epoch = {};
    this.epoch = epoch;
    const follower = await this.host.follow(this.run, this.nextSeq, {
      event: (e, live) => this.onEvent(e, live, epoch),
      drain: () => this.drained(epoch),
      end: () => {
        if (this.epoch !== epoch || this.closed) return;
        this.endState = this.completedStatus ?? this.host.stateOf(this.run);
        this.host.schedule();
      },
      error: (error) => {
        if (this.epoch === epoch && !this.closed) this.host.fail(this.subId, error);
      },
    });
    if (this.closed || this.epoch !== epoch) follower.stop();
    else this.follower = follower;
  }

  /** Identifies the current follower, so a stopped one's late callbacks are ignored. */
  private epoch: object = {};

  /**
   * Live events count against the limits (a client too slow for the run lags); catch-up events do
   * not, since the follower paces them with `drained` and they are bounded anyway.
   */
  private onEvent(e: RunEvent, live: boolean, epoch: object): void {
    if (this.epoch !== epoch || this.closed) return;
    this.queue.push(e);
    this.nextSeq = e.seq + 1;
    if (e.type === 'run.completed') this.completedStatus = e.status;
    if (live && (this.queue.length > this.limits.maxQueuedEvents || this.host.bufferedBytes() > this.limits.maxBufferedBytes)) this.lag();
    else if (this.queue.length === 1) this.host.schedule();
  }

  /** Resolves once the queue is sent and the socket has room again (or the channel moved on). */
  private drained(epoch: object): Promise<void> {
    this.host.schedule();
    return new Promise((resolve) => {
      const check = (): void => {
        const room = this.queue.length === 0 && this.host.bufferedBytes() <= this.limits.resumeBelowBytes;
        if (room || this.closed || this.epoch !== epoch) {
          resolve();
          return;
        }
        setTimeout(check, this.limits.lagPollMs);
      };
      check();
    });
  }

  /** Takes up to `max` queued events for a frame. */
  take(max: number): RunEvent[] {
    if (this.queue.length <= max) {
      const all = this.queue;
      this.queue = [];
      return all;
    }
    return this.queue.splice(0, max);
  }

  private lag(): void {
    const resumeAt = this.queue[0]?.seq ?? this.nextSeq;
    this.follower?.stop();
    this.follower = null;
    this.epoch = {};
    this.queue = [];
    this.completedStatus = null;
    this.nextSeq = resumeAt;
    this.host.sendLagged(this.subId, this.run, resumeAt);
    const poll = (): void => {
      this.lagTimer = null;
      if (this.closed) return;
      if (this.host.bufferedBytes() > this.limits.resumeBelowBytes) {
        this.lagTimer = setTimeout(poll, this.limits.lagPollMs);
        return;
      }
      this.start().catch((error: unknown) => this.host.fail(this.subId, error));
    };
    this.lagTimer = setTimeout(poll, this.limits.lagPollMs);
  }

  close(): void {
    this.closed = true;
    this.follower?.stop();
    this.follower = null;
    this.queue = [];
    if (this.lagTimer) clearTimeout(this.lagTimer);
    this.lagTimer = null;
  }
}
