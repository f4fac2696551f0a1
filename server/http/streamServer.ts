import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_CLIENT_FRAME_BYTES } from '../../protocol/api/streamFrame';
import type { RunService, Scope } from '../runs/runService';
import { FrameEncoder } from './frameEncoder';
import type { RequestGate } from './requestGate';
import { StreamSession, type SessionLimits } from './streamSession';
import type { TokenRegistry } from './tokenRegistry';

export const STREAM_PATH = '/api/stream';
/** Offered by clients that cannot set headers (browsers): `['squad.v1', 'squad.bearer.<token>']`. */
export const STREAM_PROTOCOL = 'squad.v1';
const BEARER_PROTOCOL_PREFIX = 'squad.bearer.';

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxSubscriptions: 64,
  maxEventsPerFrame: 512,
  maxInvalidFrames: 20,
  maxQueuedEvents: 10_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  resumeBelowBytes: 1024 * 1024,
  lagPollMs: 20,
};

export interface StreamServerOptions {
  manager: RunService;
  tokens: TokenRegistry;
  gate: RequestGate;
  maxConnections: number;
  limits?: Partial<SessionLimits>;
  /** Ping interval; a client that misses a pong by the next ping is dropped. */
  heartbeatMs?: number;
}

/**
 * The live stream at `/api/stream`. The upgrade is checked like any API call before the WebSocket
 * exists: Host and Origin (403: cross-site WebSocket hijacking), then the bearer token (401), then
 * the connection limit (503). Frames above MAX_CLIENT_FRAME_BYTES close the connection with 1009.
 */
export class StreamServer {
  private readonly wss: WebSocketServer;
  private readonly encoder = new FrameEncoder();
  private readonly sessions = new Map<WebSocket, StreamSession>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly limits: SessionLimits;

  constructor(private readonly o: StreamServerOptions) {
    this.limits = { ...DEFAULT_SESSION_LIMITS, ...o.limits };
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_CLIENT_FRAME_BYTES,
      perMessageDeflate: false, // compression costs CPU per client and invites zip bombs; loopback needs none
      handleProtocols: (protocols) => (protocols.has(STREAM_PROTOCOL) ? STREAM_PROTOCOL : false),
    });
    this.heartbeat = setInterval(() => this.ping(), o.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  get connections(): number {
    return this.sessions.size;
  }

  /** The `upgrade` handler of the HTTP server. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== STREAM_PATH) {
      reject(socket, 404, 'Not Found', `no WebSocket endpoint at ${path}`);
      return;
    }
    const verdict = this.o.gate.check(req);
    if (!verdict.ok) {
      reject(socket, 403, 'Forbidden', verdict.message);
      return;
    }
    const scope = this.scopeOf(req);
    if (!scope) {
      reject(socket, 401, 'Unauthorized', 'missing or unknown bearer token');
      return;
    }
    if (this.sessions.size >= this.o.maxConnections) {
      reject(socket, 503, 'Service Unavailable', 'too many stream connections');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, scope));
  }

  private accept(ws: WebSocket, scope: Scope): void {
    const session = new StreamSession(ws, scope, this.o.manager, this.encoder, this.limits);
    this.sessions.set(ws, session);
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('close', () => this.sessions.delete(ws));
  }

  private scopeOf(req: IncomingMessage): Scope | null {
    if (req.headers.authorization !== undefined) return this.o.tokens.scopeOf(req.headers.authorization);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const bearer = offered.find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX));
    return bearer ? this.o.tokens.scopeOfToken(bearer.slice(BEARER_PROTOCOL_PREFIX.length)) : null;
  }

  private ping(): void {
    for (const ws of this.sessions.keys()) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  /** Closes every connection with 1001 (going away) and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const [ws, session] of this.sessions) {
      session.dispose();
      ws.close(1001, 'the server is shutting down');
    }
    this.wss.close();
  }
}

/** Answers an upgrade that is refused with a plain HTTP response, JSON like every API error. */
function reject(socket: Duplex, status: number, text: string, error: string): void {
  const body = JSON.stringify({ error });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `${status === 401 ? 'WWW-Authenticate: Bearer realm="squad"\r\n' : ''}\r\n${body}`,
  );
}
