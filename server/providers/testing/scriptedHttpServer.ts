import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** How the server answers one request. */
export type Reply = (res: ServerResponse, req: IncomingMessage) => void;

/**
 * An HTTP server on 127.0.0.1 that answers each request with the next scripted reply and records
 * what it was sent: the provider tests speak to it with the real SDK clients, over a real socket,
 * and never to the internet. A request beyond the script gets a 500 that says so.
 */
export class ScriptedHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly replies: Reply[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScriptedHttpServer> {
    const server = createServer();
    const scripted = new ScriptedHttpServer(server);
    server.on('request', (req, res) => scripted.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return scripted;
  }

  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Queues the replies to the next requests, in order. */
  reply(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  async close(): Promise<void> {
    // Hanging replies keep their sockets open: end them, or close would wait for them.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text === '' ? null : JSON.parse(text) });
      const reply = this.replies.shift();
      if (reply) reply(res, req);
      else json(500, { error: { message: 'the test script has no reply for this request' } })(res, req);
    });
  }
}

/** One server-sent event: `data` is JSON-encoded unless it is a string (`[DONE]`). */
export interface SseEvent {
  event?: string;
  data: unknown;
}

function frame(e: SseEvent): string {
  return `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`;
}

/** A complete event stream. */
export function sse(events: readonly SseEvent[]): Reply {
  return (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const e of events) res.write(frame(e));
    res.end();
  };
}

/** Sends these events, then `then`: `reset` breaks the socket, `hang` goes silent. */
export function sseThen(events: readonly SseEvent[], then: 'reset' | 'hang'): Reply {
  return (res, req) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    // Broken only once the events are flushed, so the client has them before the connection goes.
    res.write(events.map(frame).join(''), () => {
      if (then === 'reset') req.socket.destroy();
    });
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

/** Breaks the connection before any response. */
export const reset: Reply = (_res, req) => req.socket.destroy();

/** Never answers. */
export const hang: Reply = () => {};
