import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { cappedFetch } from './cappedFetch';
import { isMcpError } from './isMcpError';
import { connectReplica } from './mcpClient';
import type { ReplicaConnector } from './replicaConnection';

/** Reaches an MCP server that is already running, over Streamable HTTP; no message it sends may pass `maxMessageBytes`. */
export function httpConnector(url: string, headers: Record<string, string>, maxMessageBytes: number): ReplicaConnector {
  return {
    describe: url,
    measured: true,
    async connect(signal, timeoutMs) {
      let overflow: Error | null = null;
      const transport: StreamableHTTPClientTransport = new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers },
        // The pool fails over and restarts; the transport's own SSE reconnection would only race it.
        reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 },
        fetch: cappedFetch(maxMessageBytes, (error) => {
          overflow ??= error;
          transport.onerror?.(error);
          void transport.close();
        }),
      });
      return connectReplica(transport, {
        signal,
        timeoutMs,
        pid: () => null,
        explain: (error) => explainHttpFailure(url, overflow ?? error, timeoutMs),
      });
    },
  };
}

function explainHttpFailure(url: string, error: unknown, timeoutMs: number): string {
  if (isMcpError(error, ErrorCode.RequestTimeout)) return `${url} did not answer within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${url}: ${message}${cause}`;
}
