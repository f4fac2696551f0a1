import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunService } from '../runs/runService';
import { createApi, type ApiDeps } from './createApi';
import { HostPolicy } from './hostPolicy';
import { RequestGate } from './requestGate';
import { StreamServer } from './streamServer';
import type { SessionLimits } from './streamSession';
import type { TokenRegistry } from './tokenRegistry';
import { TrustedProxy } from './trustedProxy';
import { findWebviewDir } from './webviewRoutes';
import { WorkspaceFiles } from './workspaceFiles';

export interface SquadServerOptions {
  host: string;
  /** 0: a free port. */
  port: number;
  manager: RunService;
  tokens: TokenRegistry;
  version: string;
  allowedOrigins?: readonly string[];
  /** `--trusted-proxy`: proxies whose X-Forwarded-* headers are believed; empty: none (loopback rules). */
  trustedProxies?: readonly string[];
  /** `--public-url`: what users reach the server by through the proxy. Required with trustedProxies. */
  publicUrls?: readonly string[];
  maxBodyBytes?: number;
  maxConnections?: number;
  streamLimits?: Partial<SessionLimits>;
  log?: (line: string) => void;
  /** The workspace whose squad files the browser editor may open; absent: no `/api/files`. */
  workspace?: string;
  /** The built web app; default: found beside the server (see findWebviewDir). */
  webviewDir?: string | null;
  /** `/readyz` and `/metrics`. */
  ops: ApiDeps['ops'];
  tenants?: ApiDeps['tenants'];
}

/**
 * The HTTP server: the API and the live stream on one port. `close` stops accepting, closes the
 * streams (1001), shuts the run manager down (runs paused, journals flushed), then ends the
 * remaining HTTP connections.
 */
export class SquadServer {
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly http: Server,
    private readonly stream: StreamServer,
    private readonly manager: RunService,
    readonly host: string,
    readonly port: number,
    private readonly stopping: AbortController,
  ) {}

  static async listen(o: SquadServerOptions): Promise<SquadServer> {
    // Bad proxy settings throw here, before the port is taken.
    const proxy = o.trustedProxies && o.trustedProxies.length > 0 ? new TrustedProxy(o.trustedProxies) : null;
    new RequestGate(new HostPolicy({ host: o.host, port: o.port }), proxy, o.publicUrls ?? []);
    const http = createServer();
    // Slow clients cannot hold sockets forever (slowloris).
    http.headersTimeout = 10_000;
    http.requestTimeout = 60_000;
    http.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(o.port, o.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const address = http.address();
    const port = isAddressInfo(address) ? address.port : o.port;
    const hosts = new HostPolicy({ host: o.host, port, allowedOrigins: o.allowedOrigins ?? [] });
    const gate = new RequestGate(hosts, proxy, o.publicUrls ?? [], o.allowedOrigins ?? []);
    const log = o.log ?? (() => {});
    const closed = new AbortController();
    const app = createApi({
      signal: closed.signal,
      manager: o.manager,
      tokens: o.tokens,
      gate,
      version: o.version,
      maxBodyBytes: o.maxBodyBytes ?? 1024 * 1024,
      log,
      ...(o.workspace === undefined ? {} : { files: new WorkspaceFiles(o.workspace) }),
      webviewDir: o.webviewDir === undefined ? findWebviewDir() : o.webviewDir,
      ops: o.ops,
      ...(o.tenants ? { tenants: o.tenants } : {}),
    });
    const stream = new StreamServer({ manager: o.manager, tokens: o.tokens, gate, maxConnections: o.maxConnections ?? 256, limits: o.streamLimits ?? {} });
    http.on('request', app);
    http.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));
    return new SquadServer(http, stream, o.manager, o.host, port, closed);
  }

  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping.abort(new Error('the server is shutting down'));
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      this.stream.close();
      await this.manager.close();
      this.http.closeIdleConnections();
      this.http.closeAllConnections();
      await closed;
    })();
    return this.closing;
  }
}

function isAddressInfo(a: string | AddressInfo | null): a is AddressInfo {
  return typeof a === 'object' && a !== null;
}
