import type { BridgeErrorCode } from '../protocol/webview/bridgeMessage';

/**
 * A request the host refused or could not answer, with the bridge's error code (bridgeMessage.ts):
 * thrown by `ServerHost` for a server's refusal, by the webview's bridges, and carried across
 * postMessage by the extension's bridge session.
 */
export class BridgeError extends Error {
  override name = 'BridgeError';
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
