import { WebSocket } from 'ws';
import type { z } from 'zod';
import { ApiErrorSchema } from '../../protocol/api/apiError';
import { CreateTokenResponseSchema } from '../../protocol/api/createTokenRequest';
import { JournalPageSchema, RunDetailResponseSchema, RunListResponseSchema, RunResponseSchema, type RunInfo } from '../../protocol/api/runInfo';
import type { StartRunRequest } from '../../protocol/api/startRunRequest';
import { ServerFrameSchema, type ClientFrameSchema, type ServerFrame } from '../../protocol/api/streamFrame';
import { TenantListResponseSchema } from '../../protocol/api/tenantInfo';
import { STREAM_PATH, STREAM_PROTOCOL } from './streamServer';

/** A request the server answered with an error: its status and `{error, field?}` body. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: z.infer<typeof ApiErrorSchema>,
    readonly retryAfter: string | null,
  ) {
    super(`HTTP ${status}: ${body.error}${body.field ? ` (${body.field})` : ''}`);
    this.name = 'ApiRequestError';
  }
}

/** The typed client of the server's API: every answer is validated with its protocol schema. */
export class SquadClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  startRun(body: Partial<StartRunRequest>): Promise<RunInfo> {
    return this.call('POST', '/api/runs', RunResponseSchema, body).then((r) => r.run);
  }

  runs(query: Record<string, string> = {}) {
    return this.call('GET', `/api/runs?${new URLSearchParams(query)}`, RunListResponseSchema).then((r) => r.runs);
  }

  run(id: string) {
    return this.call('GET', `/api/runs/${encodeURIComponent(id)}`, RunDetailResponseSchema).then((r) => r.run);
  }

  journal(id: string, fromSeq = 1, limit = 1000) {
    return this.call('GET', `/api/runs/${encodeURIComponent(id)}/journal?fromSeq=${fromSeq}&limit=${limit}`, JournalPageSchema);
  }

  control(id: string, action: 'pause' | 'resume' | 'step' | 'cancel'): Promise<RunInfo> {
    return this.call('POST', `/api/runs/${encodeURIComponent(id)}/${action}`, RunResponseSchema).then((r) => r.run);
  }

  tenants() {
    return this.call('GET', '/api/tenants', TenantListResponseSchema).then((r) => r.tenants);
  }

  mintToken(tenant: string): Promise<string> {
    return this.call('POST', '/api/tokens', CreateTokenResponseSchema, { tenant }).then((r) => r.token);
  }

  /** Opens the live stream with this client's token. */
  stream(): Promise<StreamClient> {
    return StreamClient.connect(this.baseUrl, this.token);
  }

  private async call<T extends z.ZodType>(method: string, path: string, schema: T, body?: unknown): Promise<z.infer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = ApiErrorSchema.safeParse(json);
      throw new ApiRequestError(response.status, error.success ? error.data : { error: `unexpected answer to ${method} ${path}` }, response.headers.get('retry-after'));
    }
    return schema.parse(json);
  }
}

/** The live stream, as a client: frames in are validated; listeners see each one. */
export class StreamClient {
  private readonly listeners = new Set<(frame: ServerFrame) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = ServerFrameSchema.parse(JSON.parse(String(data)));
      for (const l of this.listeners) l(frame);
    });
  }

  static connect(baseUrl: string, token: string): Promise<StreamClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${STREAM_PATH}`, [STREAM_PROTOCOL], { headers: { authorization: `Bearer ${token}` } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new StreamClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`stream refused: HTTP ${res.statusCode}`)));
    });
  }

  send(frame: z.input<typeof ClientFrameSchema>): void {
    this.ws.send(JSON.stringify(frame));
  }

  onFrame(listener: (frame: ServerFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
    });
  }
}
