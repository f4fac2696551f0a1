import type { WebSocket } from 'ws';
import type { RunInfo } from '../../protocol/api/runInfo';
import { ClientFrameSchema, type ClientFrame, type ServerFrame } from '../../protocol/api/streamFrame';
import { RunError } from '../runs/runError';
import type { RunService, Scope } from '../runs/runService';
import type { FrameEncoder } from './frameEncoder';
import { StreamChannel, type ChannelHost, type ChannelLimits } from './streamChannel';

export interface SessionLimits extends ChannelLimits {
  maxSubscriptions: number;
  /** Events per `events` frame at most. */
  maxEventsPerFrame: number;
  /** Invalid frames a connection may send before it is closed (1008). */
  maxInvalidFrames: number;
}

interface Subscription {
  channels: Map<string, StreamChannel>;
  /** For tenant subscriptions: stops the run-change listener. */
  stop: () => void;
}

/**
 * One WebSocket client: its subscriptions, their channels, and the batching of their events into
 * frames. A bad frame gets an `error` frame and the connection stays; too many bad frames close it
 * with 1008 and a reason. Nothing a client sends can throw out of this class.
 */
export class StreamSession {
  private readonly subs = new Map<string, Subscription>();
  private invalidFrames = 0;
  private flushScheduled = false;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly scope: Scope,
    private readonly manager: RunService,
    private readonly encoder: FrameEncoder,
    private readonly limits: SessionLimits,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) {
      this.invalid(null, 'binary frames are not supported: send JSON text');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      this.invalid(null, 'the frame is not valid JSON');
      return;
    }
    const parsed = ClientFrameSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') ?? '';
      const id = isRecord(json) && typeof json.id === 'string' && json.id.length <= 64 ? json.id : null;
      this.invalid(id, `invalid frame: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`, field || undefined);
      return;
    }
    this.handle(parsed.data).catch((error: unknown) => this.fail(frameId(parsed.data), error));
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (frame.type === 'unsubscribe') {
      const sub = this.subs.get(frame.id);
      if (!sub) {
        this.send({ type: 'error', id: frame.id, error: `no subscription "${frame.id}"`, field: 'id' });
        return;
      }
      this.drop(frame.id);
      this.send({ type: 'unsubscribed', id: frame.id });
      return;
    }
    if (this.subs.has(frame.id)) {
      this.send({ type: 'error', id: frame.id, error: `subscription "${frame.id}" exists`, field: 'id' });
      return;
    }
    if (this.subs.size >= this.limits.maxSubscriptions) {
      this.send({ type: 'error', id: frame.id, error: `at most ${this.limits.maxSubscriptions} subscriptions per connection` });
      return;
    }
    if (frame.type === 'subscribe') {
      await this.manager.detail(frame.run, this.scope); // not found / other tenant: an error frame, nothing subscribed
      const sub: Subscription = { channels: new Map(), stop: () => {} };
      this.subs.set(frame.id, sub);
      this.send({ type: 'subscribed', id: frame.id });
      await this.openChannel(frame.id, sub, frame.run, frame.fromSeq);
      return;
    }
    if (this.scope.tenant !== null && frame.tenant !== this.scope.tenant) {
      this.send({ type: 'error', id: frame.id, error: `this token sees only tenant "${this.scope.tenant}"`, field: 'tenant' });
      return;
    }
    const sub: Subscription = { channels: new Map(), stop: () => {} };
    this.subs.set(frame.id, sub);
    this.send({ type: 'subscribed', id: frame.id });
    const followed = new Set<string>();
    const onRun = (run: RunInfo): void => {
      if (run.tenant !== frame.tenant || this.subs.get(frame.id) !== sub) return;
      this.send({ type: 'run', id: frame.id, run });
      const started = run.startedAt !== null;
      if (frame.events && started && !followed.has(run.id)) {
        followed.add(run.id);
        this.openChannel(frame.id, sub, run.id, frame.since[run.id] ?? 1).catch((error: unknown) => this.fail(frame.id, error));
      }
    };
    sub.stop = this.manager.onChange(onRun);
    for (const run of this.manager.liveRuns(frame.tenant)) onRun(run);
  }

  private async openChannel(subId: string, sub: Subscription, run: string, fromSeq: number): Promise<void> {
    const channel = new StreamChannel(subId, run, fromSeq, this.channelHost(), this.limits);
    sub.channels.set(run, channel);
    await channel.start();
  }

  private channelHost(): ChannelHost {
    return {
      bufferedBytes: () => this.ws.bufferedAmount,
      schedule: () => this.schedule(),
      sendLagged: (id, run, nextSeq) => this.send({ type: 'lagged', id, run, nextSeq }),
      follow: (run, fromSeq, sink) => this.manager.follow(run, fromSeq, sink, this.scope),
      stateOf: (run) => this.manager.stateOf(run) ?? 'interrupted',
      fail: (id, error) => this.fail(id, error),
    };
  }

  private schedule(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends every channel's queued events, batched per frame, then any `end` frames due. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    for (const [subId, sub] of this.subs) {
      for (const [run, channel] of sub.channels) {
        while (channel.queue.length > 0) {
          if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
            this.schedule();
            return;
          }
          this.ws.send(this.encoder.events(subId, run, channel.take(this.limits.maxEventsPerFrame)));
        }
        if (channel.endState !== null) {
          this.send({ type: 'end', id: subId, run, state: channel.endState });
          channel.close();
          sub.channels.delete(run);
        }
      }
    }
  }

  private send(frame: Exclude<ServerFrame, { type: 'events' }>): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(this.encoder.frame(frame));
  }

  private invalid(id: string | null, error: string, field?: string): void {
    this.invalidFrames += 1;
    if (this.invalidFrames > this.limits.maxInvalidFrames) {
      this.ws.close(1008, 'too many invalid frames');
      this.dispose();
      return;
    }
    this.send(field === undefined ? { type: 'error', id, error } : { type: 'error', id, error, field });
  }

  /** A request the manager refused (an error frame) or a failure while streaming (the subscription ends). */
  private fail(id: string | null, error: unknown): void {
    if (id !== null) this.drop(id);
    if (error instanceof RunError) {
      this.send(error.field === undefined ? { type: 'error', id, error: error.message } : { type: 'error', id, error: error.message, field: error.field });
      return;
    }
    this.send({ type: 'error', id, error: `the subscription failed: ${error instanceof Error ? error.message : String(error)}` });
  }

  private drop(id: string): void {
    const sub = this.subs.get(id);
    if (!sub) return;
    this.subs.delete(id);
    sub.stop();
    for (const c of sub.channels.values()) c.close();
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.subs.keys()]) this.drop(id);
  }
}

function frameId(frame: ClientFrame): string {
  return frame.id;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
