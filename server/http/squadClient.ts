import { WebSocket } from 'ws';
import type { z } from 'zod';
import type { RunInfo } from '../../protocol/api/runInfo';
import type { StartRunRequest } from '../../protocol/api/startRunRequest';
import { ServerFrameSchema, type ClientFrameSchema, type ServerFrame } from '../../protocol/api/streamFrame';
import { SquadApi, type RunControlAction } from '../../client/squadApi';
import { STREAM_PATH, STREAM_PROTOCOL } from './streamServer';
import { streamMessageText } from '../../protocol/api/streamMessageText';

/** Errors of the one API client (client/squadApi.ts), under the names the server's callers use. */
export { ApiAnswerError, ApiRequestError, ApiUnreachableError } from '../../client/squadApi';

/**
 * The API as the CLI (`squad load`), tests and benches use it: the one client in client/ with a
 * fixed URL and token, lists unwrapped, and the live stream over `ws` with the token in a header.
 */
export class SquadClient {
  readonly api: SquadApi;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {
    this.api = new SquadApi(() => ({ url: baseUrl, token }));
  }

  startRun(body: Partial<StartRunRequest>): Promise<RunInfo> {
    return this.api.startRun(body);
  }

  runs(query: Record<string, string> = {}) {
    return this.api.runs(query).then((r) => r.runs);
  }

  run(id: string) {
    return this.api.run(id);
  }

  journal(id: string, fromSeq = 1, limit = 1000) {
    return this.api.journal(id, fromSeq, limit);
  }

  control(id: string, action: RunControlAction): Promise<RunInfo> {
    return this.api.control(id, action);
  }

  tenants() {
    return this.api.tenants().then((r) => r.tenants);
  }

  mintToken(tenant: string): Promise<string> {
    return this.api.mintToken(tenant);
  }

  /** Opens the live stream with this client's token. */
  stream(): Promise<StreamClient> {
    return StreamClient.connect(this.baseUrl, this.token);
  }
}

/** The live stream, as a client: frames in are validated; listeners see each one. */
export class StreamClient {
  private readonly listeners = new Set<(frame: ServerFrame) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = ServerFrameSchema.parse(JSON.parse(streamMessageText(data)));
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
