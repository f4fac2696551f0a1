import type { BridgeMethod, BridgeParams, BridgeResult, HostEvent } from '../../protocol/webview/bridgeMethods';

/**
 * The webview's one way to its host: requests with typed params and results (see
 * protocol/webview/bridgeMethods.ts) and events the host pushes. Two implementations carry the same
 * messages: `PostMessageBridge` inside VS Code, `LocalBridge` over a `ServerHost` in a browser.
 */
export interface Bridge {
  request<M extends BridgeMethod>(method: M, params: BridgeParams<M>, signal?: AbortSignal): Promise<BridgeResult<M>>;
  /** Returns the function that stops listening. */
  onEvent(listener: (event: HostEvent) => void): () => void;
  /** What the host offers: a method answered `unsupported` once is remembered here. */
  supports(method: BridgeMethod): boolean;
  /**
   * Who keeps a squad file's unsaved edits, undo stack and save. `host`: VS Code's text document
   * (each edit is a WorkspaceEdit, Ctrl+Z and Ctrl+S are VS Code's). `page`: the page keeps them and
   * writes the file only when the user saves (the server writes whatever it is sent).
   */
  readonly documents: 'host' | 'page';
  dispose(): void;
}
