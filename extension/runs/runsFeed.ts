import { WebSocket } from 'ws';
import type * as vscode from 'vscode';
import { ServerFrameSchema, type ClientFrame } from '../../protocol/api/streamFrame';
import type { ServerApi } from '../server/serverApi';
import type { ServerConnection } from '../server/serverConnection';
import { streamMessageText } from '../../protocol/api/streamMessageText';

/**
 * Keeps the Runs view current by itself: one `/api/stream` socket with a `subscribe.tenant` (no
 * events, only `run` frames: queued, started, paused, resumed, ended) for each tenant the server
 * knows, and `onChange` once per burst of frames. A run started anywhere (the dashboard, the CLI
 * against this server, another window) shows in the view without Refresh. The socket reconnects when
 * it drops (after 1, 2, 4 … 30 s, while the server is up) and when the server restarts (`reconnect()`).
 */
export class RunsFeed implements vscode.Disposable {
  private socket: WebSocket | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private burst: ReturnType<typeof setTimeout> | null = null;
  private delayMs = 1000;
  private disposed = false;

  constructor(
    private readonly connect: () => Promise<ServerConnection>,
    private readonly api: ServerApi,
    private readonly onChange: () => void,
  ) {}

  /** Starts following (again) whenever the server (re)started. */
  reconnect(): void {
    this.close();
    void this.open();
  }

  /** Follows if it does not yet (the Runs view listed runs: a server is up, maybe one we did not start). */
  ensure(): void {
    if (!this.socket && !this.retry) void this.open();
  }

  /** The server stopped: stop following, without asking for a new one (that would start it again). */
  stop(): void {
    this.close();
  }

  private async open(): Promise<void> {
    if (this.disposed) return;
    try {
      const connection = await this.connect();
      const { tenants } = await this.api.request('tenants.list', {});
      const ids = [...new Set(['default', ...tenants.map((t) => t.id)])];
      const socket = new WebSocket(`${connection.url.replace(/^http/, 'ws')}/api/stream`, ['squad.v1', `squad.bearer.${connection.token}`]);
      this.socket = socket;
      socket.on('open', () => {
        this.delayMs = 1000;
        ids.forEach((tenant, i) => socket.send(JSON.stringify({ type: 'subscribe.tenant', id: `runs-view-${i}`, tenant, events: false, since: {} } satisfies ClientFrame)));
      });
      socket.on('message', (data) => {
        const frame = ServerFrameSchema.safeParse(safeJson(streamMessageText(data)));
        if (frame.success && frame.data.type === 'run') this.changed();
      });
      // A dropped socket to a server that is still up is opened again; a stopped server comes back
      // through reconnect() (connect() here would start one).
      socket.on('close', () => {
        if (this.socket === socket) {
          this.socket = null;
          this.later();
        }
      });
      socket.on('error', () => socket.close());
    } catch {
      this.later();
    }
  }

  private changed(): void {
    if (this.burst) return;
    this.burst = setTimeout(() => {
      this.burst = null;
      this.onChange();
    }, 150);
  }

  private later(): void {
    if (this.disposed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.open();
    }, this.delayMs);
    this.delayMs = Math.min(30_000, this.delayMs * 2);
  }

  private close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  dispose(): void {
    this.disposed = true;
    this.close();
    if (this.burst) clearTimeout(this.burst);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
