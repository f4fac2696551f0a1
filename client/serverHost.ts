import { ServerFrameSchema, type ClientFrame } from '../protocol/api/streamFrame';
import type { BridgeErrorCode } from '../protocol/webview/bridgeMessage';
import { ApiAnswerError, ApiRequestError, ApiUnreachableError, SquadApi, type RunControlAction } from './squadApi';
import type { BridgeMethod, BridgeParsedParams, BridgeResult, HostEvent } from '../protocol/webview/bridgeMethods';
import { BridgeError } from './BridgeError';
import type { BridgeHost } from './BridgeHost';
import { EventFanout } from './EventFanout';

/** The browser's (or any WHATWG) fetch and WebSocket, injected so the host can run in Node too. */
export interface ServerHostOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** Wait before reconnecting the live stream after it dropped. */
  reconnectMs?: number;
}

interface Subscription {
  run: string;
  /** The next seq this subscription needs: where a reconnect resumes, so nothing is lost or repeated. */
  nextSeq: number;
}

/**
 * Answers the bridge's methods with the local server's HTTP API and its live stream
 * (`/api/stream`, authenticated by the `squad.bearer.<token>` subprotocol since a browser cannot set
 * headers on a WebSocket). Every answer is checked with its `protocol/api` schema.
 */
export class ServerHost implements BridgeHost {
  private readonly events = new EventFanout<HostEvent>();
  private readonly subs = new Map<string, Subscription>();
  private socket: WebSocket | null = null;
  private open: Promise<WebSocket> | null = null;
  private reconnect: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly api: SquadApi;
  private readonly WebSocketCtor: typeof WebSocket;

  constructor(private readonly o: ServerHostOptions) {
    this.api = new SquadApi(() => ({ url: o.baseUrl, token: o.token }), o.fetch);
    this.WebSocketCtor = o.WebSocket ?? globalThis.WebSocket;
  }

  async handle<M extends BridgeMethod>(method: M, params: BridgeParsedParams<M>, signal: AbortSignal): Promise<BridgeResult<M>> {
    try {
      // Each case returns the result type of its own method; the switch narrows `method`, not `M`.
      return (await this.dispatch(method, params, signal)) as BridgeResult<M>;
    } catch (error) {
      throw bridgeErrorOf(error, this.o.baseUrl);
    }
  }

  private async dispatch(method: BridgeMethod, p: unknown, signal: AbortSignal): Promise<unknown> {
    const params = p as Record<string, never>; // already parsed by the method's params schema (LocalBridge)
    const str = (key: string): string => String(params[key]);
    const api = this.api;
    switch (method) {
      case 'squad.list':
        return api.files(signal);
      case 'squad.open':
        return api.file(str('path'), signal);
      case 'squad.edit':
        return api.writeFile({ path: str('path'), text: str('text'), baseVersion: Number(params.baseVersion) }, signal);
      case 'layout.load':
        return api.layout(str('path'), signal);
      case 'layout.save':
        await api.saveLayout(str('path'), params.layout!, signal);
        return {};
      case 'runs.list':
        return api.runs({ limit: str('limit') }, signal);
      case 'run.detail':
        return api.run(str('run'), signal);
      case 'run.start': {
        const body = {
          file: params.path,
          profile: params.profile,
          paused: params.paused,
          ...(params.seed === undefined ? {} : { seed: params.seed }),
          ...(params.tenant === undefined ? {} : { tenant: params.tenant }),
        };
        return api.startRun(body, signal);
      }
      case 'run.control':
        return api.control(str('run'), str('action') as RunControlAction, signal);
      case 'run.journal':
        return api.journal(str('run'), Number(params.fromSeq), Number(params.limit), signal);
      case 'run.subscribe':
        this.subs.set(str('sub'), { run: str('run'), nextSeq: Number(params.fromSeq) });
        await this.send({ type: 'subscribe', id: str('sub'), run: str('run'), fromSeq: Number(params.fromSeq) });
        return {};
      case 'run.unsubscribe':
        if (this.subs.delete(str('sub')) && this.socket?.readyState === 1) this.socket.send(JSON.stringify({ type: 'unsubscribe', id: str('sub') }));
        return {};
      case 'tenants.list':
        return api.tenants(signal);
      case 'fleet.get':
        return api.fleet(signal);
      case 'run.fork': {
        // The server replays the prefix and runs the rest before it answers (virtual time under the
        // simulated providers); the new run is then a saved run like any other.
        const fork = await api.fork(str('run'), { atSeq: Number(params.seq) }, signal);
        return api.run(fork.journal, signal);
      }
      case 'run.diff':
        return api.diff(str('a'), str('b'), signal);
      case 'forecast.run':
        return api.forecast(p as BridgeParsedParams<'forecast.run'>, signal);
    }
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    return this.events.add(listener);
  }

  dispose(): void {
    this.disposed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    this.socket?.close(1000, 'closed');
    this.subs.clear();
    this.events.clear();
  }

  private async send(frame: ClientFrame): Promise<void> {
    const socket = await this.connect();
    socket.send(JSON.stringify(frame));
  }

  private connect(): Promise<WebSocket> {
    if (this.socket?.readyState === 1) return Promise.resolve(this.socket);
    this.open ??= new Promise<WebSocket>((resolve, reject) => {
      const url = `${this.o.baseUrl.replace(/^http/, 'ws')}/api/stream`;
      const socket = new this.WebSocketCtor(url, ['squad.v1', `squad.bearer.${this.o.token}`]);
      socket.onopen = () => {
        this.socket = socket;
        this.open = null;
        resolve(socket);
      };
      socket.onerror = () => reject(new BridgeError('unavailable', 'the live stream could not connect'));
      socket.onmessage = (m) => this.frame(m.data);
      socket.onclose = () => {
        this.open = null;
        if (this.socket === socket) this.socket = null;
        if (!this.disposed && this.subs.size > 0) this.reconnect = setTimeout(() => void this.resubscribe(), this.o.reconnectMs ?? 500);
      };
    });
    return this.open;
  }

  /** After a dropped connection: every subscription again, from the seq it still needs. */
  private async resubscribe(): Promise<void> {
    this.reconnect = null;
    try {
      for (const [id, s] of this.subs) await this.send({ type: 'subscribe', id, run: s.run, fromSeq: s.nextSeq });
    } catch {
      if (!this.disposed) this.reconnect = setTimeout(() => void this.resubscribe(), this.o.reconnectMs ?? 500);
    }
  }

  private frame(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerFrameSchema.safeParse(json);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === 'events') {
      const sub = this.subs.get(frame.id);
      const last = frame.events.at(-1);
      if (!sub || !last) return;
      sub.nextSeq = last.seq + 1;
      this.events.emit({ type: 'run.events', sub: frame.id, run: frame.run, events: frame.events });
    } else if (frame.type === 'end') {
      if (this.subs.delete(frame.id)) this.events.emit({ type: 'run.end', sub: frame.id, run: frame.run, state: frame.state });
    }
  }
}

/** The API client's errors as bridge errors, with the code the UI acts on. */
function bridgeErrorOf(error: unknown, baseUrl: string): unknown {
  if (error instanceof ApiRequestError) return new BridgeError(codeOf(error.status), error.body.error);
  if (error instanceof ApiUnreachableError) return new BridgeError('unavailable', `cannot reach the Squad server at ${baseUrl}`);
  if (error instanceof ApiAnswerError) return new BridgeError('internal', error.message);
  return error;
}

function codeOf(status: number): BridgeErrorCode {
  if (status === 400 || status === 413 || status === 415) return 'invalid';
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429 || status === 503) return 'unavailable';
  return 'internal';
}
