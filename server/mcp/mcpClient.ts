import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { version } from '../../package.json';
import { ToolSchemaValidator } from './toolSchemaValidator';
import type { ReplicaConnection } from './replicaConnection';
import { guardFlood } from './floodGuard';
import { serverText } from './serverText';

/** The SDK client every replica connection uses, introducing itself as Squad Studio. */
export function newMcpClient(): Client {
  return new Client({ name: 'squad-studio', version }, { capabilities: {}, jsonSchemaValidator: new ToolSchemaValidator() });
}

/**
 * Initializes an MCP session over `transport` and wraps it as a `ReplicaConnection`. On failure the
 * transport is closed (a spawned server is ended) and the error is rethrown as `explain` words it.
 */
export async function connectReplica(
  transport: Transport,
  options: {
    signal: AbortSignal;
    timeoutMs: number;
    pid: () => number | null;
    /** Turns a failure (of start or later) into the sentence the user reads. */
    explain: (error: unknown) => string;
    /**
     * Called (and awaited, bounded by the callee) before a failed start is explained, so that what
     * explains it is known: a server that died at start fails the first write with EPIPE before its
     * exit code and stderr arrive, and which of the two a run journals must not depend on timing.
     */
    settle?: (error: unknown) => Promise<void>;
  },
): Promise<ReplicaConnection> {
  const client = newMcpClient();
  let closing = false;
  // Set when the connection was cut for flooding (see `guardFlood`): that, not the exit it caused, explains it.
  let flood: string | null = null;
  let markLost: (reason: string) => void = () => {};
  const lost = new Promise<string>((resolve) => (markLost = resolve));
  let lastError: unknown = null;
  client.onerror = (error) => {
    lastError = error;
  };
  // The server's words (an error's message, its stderr) are bounded before they reach a journal.
  const explain = (error: unknown) => flood ?? serverText(options.explain(error));
  client.onclose = () => {
    if (!closing) markLost(explain(lastError ?? new Error('the connection closed')));
  };
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await client.close().catch(() => {});
    await transport.close().catch(() => {});
  };
  try {
    await client.connect(transport, { signal: options.signal, timeout: options.timeoutMs });
  } catch (error) {
    // Explained before closing: closing kills the process, and its own exit is not the story.
    await options.settle?.(error);
    const explained = new Error(explain(error), { cause: error });
    await close();
    if (options.signal.aborted) throw options.signal.reason;
    throw explained;
  }
  guardFlood(transport, (reason) => {
    flood = reason;
    void transport.close();
  });
  const pid = options.pid();
  return { client, pid, lost, close };
}
