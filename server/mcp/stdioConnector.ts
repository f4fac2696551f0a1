import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { isMcpError } from './isMcpError';
import { ChildProcessTransport } from './childProcessTransport';
import { connectReplica } from './mcpClient';
import type { ReplicaConnector } from './replicaConnection';

export interface StdioReplicaSpec {
  command: string;
  args: readonly string[];
  /** The whole environment of the process (already expanded). */
  env: Record<string, string>;
  cwd: string;
  maxMessageBytes: number;
}

/** How long a failed start waits for the server's exit (code, signal, whole stderr) to explain it. */
const EXIT_WAIT_MS = 2000;

/** Starts one server process per connection and speaks MCP over its stdin/stdout. */
export function stdioConnector(spec: StdioReplicaSpec): ReplicaConnector {
  const describe = [spec.command, ...spec.args].join(' ');
  return {
    describe,
    measured: true,
    async connect(signal, timeoutMs) {
      const transport = new ChildProcessTransport({
        command: spec.command,
        args: spec.args,
        env: spec.env,
        cwd: spec.cwd,
        maxMessageBytes: spec.maxMessageBytes,
      });
      return connectReplica(transport, {
        signal,
        timeoutMs,
        pid: () => transport.pid,
        explain: (error) => explainStdioFailure(spec, transport, error, timeoutMs),
        // Only a broken connection waits for the exit: a server that does not answer in time is alive.
        settle: async (error) => {
          if (brokenConnection(error)) await transport.waitForExit(EXIT_WAIT_MS);
        },
      });
    },
  };
}

function explainStdioFailure(spec: StdioReplicaSpec, transport: ChildProcessTransport, error: unknown, timeoutMs: number): string {
  const code = error && typeof error === 'object' && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return `command "${spec.command}" not found (looked in ${spec.cwd} and on PATH)`;
  if (code === 'EACCES') return `command "${spec.command}" is not executable`;
  if (transport.cut) return transport.cut;
  const exit = transport.exit;
  const stderr = transport.stderr;
  const tail = stderr ? `; its stderr ends: ${lastLines(stderr, 5)}` : '';
  if (exit) {
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return `the server process ${how}${tail}`;
  }
  if (isMcpError(error, ErrorCode.RequestTimeout)) {
    return `the server did not answer within ${timeoutMs} ms${tail}`;
  }
  return `${error instanceof Error ? error.message : String(error)}${tail}`;
}

/** The failures a dying server causes before its exit is seen: a write to its closed stdin, or the SDK's "connection closed". */
function brokenConnection(error: unknown): boolean {
  const code = error && typeof error === 'object' && 'code' in error ? error.code : undefined;
  return code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_DESTROYED' || isMcpError(error, ErrorCode.ConnectionClosed);
}

function lastLines(text: string, n: number): string {
  return text.split('\n').slice(-n).join(' | ');
}
