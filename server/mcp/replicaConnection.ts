import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

/**
 * One live MCP session with one replica of a tool server: an initialized SDK client. Whatever
 * transport is under it (a child process, HTTP, in process), the pool sees only this.
 */
export interface ReplicaConnection {
  readonly client: Client;
  /** The server's process id for a stdio replica (tests check that it is gone after a run). */
  readonly pid: number | null;
  /**
   * Resolves once, with the reason, when the connection ends without `close()` being called: the
   * process died, the transport failed. Never rejects.
   */
  readonly lost: Promise<string>;
  /** Ends the session and whatever it started. Idempotent; never rejects. */
  close(): Promise<void>;
}

/** How to open a connection to one replica. */
export interface ReplicaConnector {
  /** What the replica is, for messages: `node server.js`, `http://127.0.0.1:7070/mcp`, `simulated`. */
  readonly describe: string;
  /**
   * True when a call's real duration is part of its latency (a real server). False for in-process
   * simulated servers, whose microseconds of work must not leak into the virtual clock: a run with
   * only simulated servers stays a pure function of (squad, profile, seed).
   */
  readonly measured: boolean;
  /** Starts (or reaches) the replica and initializes an MCP session, within `timeoutMs`. */
  connect(signal: AbortSignal, timeoutMs: number): Promise<ReplicaConnection>;
}
