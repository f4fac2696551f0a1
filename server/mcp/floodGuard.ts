import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** Messages a server may send unasked (notifications, requests, answers to nothing) between two requests of the client. */
export const MAX_UNASKED_MESSAGES = 10_000;

/**
 * Counts what a connected transport receives that answers nothing the client sent (notifications,
 * server requests, responses to unknown ids) since the client's last request; past
 * MAX_UNASKED_MESSAGES it calls `onFlood` once, with the reason. A legitimate server sends a few
 * progress or log notifications per call; a runaway one keeps this process parsing them for as long
 * as the connection lives, between calls too, where no call's timeout ends it.
 *
 * Installed after `client.connect` (which sets the transport's `onmessage`), around it.
 */
export function guardFlood(transport: Transport, onFlood: (reason: string) => void): void {
  const deliver = transport.onmessage;
  const send = transport.send.bind(transport);
  let unasked = 0;
  let flooded = false;
  transport.send = (message, options) => {
    if ('method' in message && 'id' in message) unasked = 0;
    return send(message, options);
  };
  transport.onmessage = (message, extra) => {
    if (flooded) return;
    if ('method' in message || !('id' in message)) unasked += 1;
    if (unasked > MAX_UNASKED_MESSAGES) {
      flooded = true;
      onFlood(`the server sent more than ${MAX_UNASKED_MESSAGES} messages unasked (notifications or requests) between two requests`);
      return;
    }
    deliver?.(message, extra);
  };
}
