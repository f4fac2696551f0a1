import type { BridgeErrorCode } from '../../protocol/webview/bridgeMessage';
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
  dispose(): void;
}

/** A request the host refused or could not answer. */
export class BridgeError extends Error {
  override name = 'BridgeError';
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Listeners of host events, with their removal. */
export class EventFanout<E> {
  private readonly listeners = new Set<(event: E) => void>();

  add(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: E): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  clear(): void {
    this.listeners.clear();
  }
}
