/**
 * A `fetch` for the Streamable HTTP transport whose response bodies cannot grow without bound: a
 * JSON body over `maxBytes`, or one event of an SSE stream over it (a stream may live for the whole
 * run, so it is each message that is bounded, not the stream), errors the body with a message that
 * says so, and `onOverflow` is told (the connector closes the connection, so the call under it fails
 * at once, with that reason, instead of waiting for its timeout). Without it the SDK's transport
 * reads whatever the server sends into memory: a 1 GB answer was 1 GB of this process.
 */
export function cappedFetch(maxBytes: number, onOverflow: (error: Error) => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.body) return response;
    const sse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
    let size = 0;
    let lastByte = -1;
    const limited = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.byteLength;
          if (sse) {
            // Bytes since the last blank line (the end of an SSE event) are the event in progress.
            for (let i = chunk.byteLength - 1; i >= 0; i--) {
              const previous = i > 0 ? chunk[i - 1] : lastByte;
              if (chunk[i] === 0x0a && (previous === 0x0a || (previous === 0x0d && i > 1 && chunk[i - 2] === 0x0a))) {
                size = chunk.byteLength - 1 - i;
                break;
              }
            }
            lastByte = chunk[chunk.byteLength - 1] ?? lastByte;
          }
          if (size > maxBytes) {
            const error = new Error(`the server sent a message larger than ${maxBytes} bytes`);
            controller.error(error);
            onOverflow(error);
            return;
          }
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
