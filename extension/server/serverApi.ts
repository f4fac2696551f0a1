import { WebSocket as NodeWebSocket } from 'ws';
import { BridgeMethods, type BridgeMethod, type BridgeParams, type BridgeResult } from '../../protocol/webview/bridgeMethods';
import { ServerHost } from '../../client/serverHost';
import type { ServerConnection } from './serverConnection';

/**
 * The extension's own calls to the server (Runs view, status bar, commands), through the same
 * `ServerHost` and method table as the webview, so there is one mapping of the API. A new host is
 * made when the server restarts (new port, new token).
 */
export class ServerApi {
  private host: { connection: ServerConnection; host: ServerHost } | null = null;

  constructor(private readonly connect: () => Promise<ServerConnection>) {}

  async request<M extends BridgeMethod>(method: M, params: BridgeParams<M>, signal: AbortSignal = AbortSignal.timeout(30_000)): Promise<BridgeResult<M>> {
    const connection = await this.connect();
    if (this.host?.connection !== connection) {
      this.host?.host.dispose();
      this.host = { connection, host: new ServerHost({ baseUrl: connection.url, token: connection.token, WebSocket: NodeWebSocket as unknown as typeof WebSocket }) };
    }
    // Defaults filled in exactly as the webview's requests are.
    const parsed = BridgeMethods[method].params.parse(params);
    return this.host.host.handle(method, parsed as never, signal);
  }

  dispose(): void {
    this.host?.host.dispose();
    this.host = null;
  }
}
