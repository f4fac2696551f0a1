import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { version } from '../../package.json';
import type { ReplicaConnection } from './replicaConnection';

/** The SDK client every replica connection uses, introducing itself as Squad Studio. */
export function newMcpClient(): Client {
  return new Client({ name: 'squad-studio', version }, { capabilities: {} });
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
  },
): Promise<ReplicaConnection> {
  const client = newMcpClient();
  let closing = false;
  let markLost: (reason: string) => void = () => {};
  const lost = new Promise<string>((resolve) => (markLost = resolve));
  let lastError: unknown = null;
  client.onerror = (error) => {
    lastError = error;
  };
  client.onclose = () => {
    if (!closing) markLost(options.explain(lastError ?? new Error('the connection closed')));
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
    const explained = new Error(options.explain(error), { cause: error });
    await close();
    if (options.signal.aborted) throw options.signal.reason;
    throw explained;
  }
  const pid = options.pid();
  return { client, pid, lost, close };
}
