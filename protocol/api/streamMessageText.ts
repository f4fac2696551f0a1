/**
 * The text of one WebSocket message as the `ws` library hands it to a `message` listener: a Buffer
 * (its default), an ArrayBuffer, or a list of fragments. Stream frames are text frames, which RFC 6455
 * makes UTF-8; fragments are decoded as one stream so a character split across two still decodes.
 * Structurally typed (no `ws` import) so the browser-safe protocol stays free of Node types.
 */
export function streamMessageText(data: Uint8Array | ArrayBuffer | readonly Uint8Array[]): string {
  const decoder = new TextDecoder('utf-8');
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return decoder.decode(data);
  return data.map((chunk, i) => decoder.decode(chunk, { stream: i < data.length - 1 })).join('');
}
