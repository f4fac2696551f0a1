import type { BridgeMethod, BridgeParsedParams, BridgeResult, HostEvent } from '../protocol/webview/bridgeMethods';

/**
 * The host side of the bridge: answers each method with params already checked against its schema,
 * and pushes events. `ServerHost` is one (the browser, over the server's API); the VS Code extension
 * answers the same methods (squad files from its text documents, runs through the server).
 */
export interface BridgeHost {
  handle<M extends BridgeMethod>(method: M, params: BridgeParsedParams<M>, signal: AbortSignal): Promise<BridgeResult<M>>;
  onEvent(listener: (event: HostEvent) => void): () => void;
  dispose(): void;
}
