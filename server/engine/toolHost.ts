import type { ToolErrorKind } from '../../protocol/runEvent';
import type { ToolSpec } from './modelProvider';

export interface ToolCallRequest {
  /** "server.tool" */
  tool: string;
  args: Record<string, unknown>;
  agent: string;
  /**
   * `<runId>/<call id>`: the same on every attempt, on failover, and when a resumed run makes the
   * call again; sent to MCP servers as the call's idempotency key (`_meta`).
   */
  callId: string;
  /**
   * The run's clock when the call starts, in ms. Under the virtual clock a host models queueing and
   * replica load on this time line (and reports the delay in `latencyMs`) instead of sleeping.
   */
  now: number;
  signal: AbortSignal;
}

export interface ToolCallOutcome {
  ok: boolean;
  /** Text the agent sees: the tool's output, or the reason it failed. */
  content: string;
  /** Time the call took: simulated on the virtual clock, or measured. */
  latencyMs: number;
  /** The replica that answered, or the last one tried ("bureau#2"); absent for a host without replicas. */
  replica?: string | null;
  /** Attempts across replicas (1 unless the call failed over). */
  attempts?: number;
  /** Why the call failed, when it did: guardrails and statistics tell these apart. */
  error?: ToolErrorKind;
  /** What happened in the tool server's pool during the call, in time order (journaled by the engine). */
  incidents?: readonly ToolIncident[];
}

/**
 * Why a call failed. `tool`: the tool ran and reported an error (`isError`); `protocol`: the server
 * answered with a JSON-RPC error; `invalid-arguments`, `unknown-tool`: refused before any server saw
 * the call; `too-large`: the result passed `maxResultBytes`; `timeout`, `unavailable`: no replica
 * answered within the deadline, failover included.
 */
export type { ToolErrorKind };

/** A change in a tool server's replica pool, at run time `atMs`. */
export type ToolIncident =
  | { kind: 'replica.down'; atMs: number; server: string; replica: string; reason: string; restartAtMs: number | null }
  | { kind: 'replica.up'; atMs: number; server: string; replica: string; restarts: number }
  | { kind: 'failover'; atMs: number; server: string; from: string; to: string; reason: string; attempt: number };

/**
 * Port: the MCP tools a run can reach. `call` resolves with `ok: false` for tool errors the agent
 * should see; it rejects only when the host itself is broken.
 */
export interface ToolHost {
  /** The tools of every declared server, named "server.tool". */
  tools(): readonly ToolSpec[];
  call(request: ToolCallRequest): Promise<ToolCallOutcome>;
  /**
   * A call a resumed or forked run serves from its journal instead of calling: a host with state on
   * the run's time line (replica health, restart times, its random stream) brings that state to
   * where the recorded call left it, without calling anything. Optional: stateless hosts omit it.
   */
  replay?(request: ToolCallRequest, recorded: ToolCallOutcome): Promise<void>;
}

/** A host with no tools, for squads that declare none. */
export const NO_TOOLS: ToolHost = {
  tools: () => [],
  call: (request) => Promise.resolve({ ok: false, content: `no tool server provides "${request.tool}"`, latencyMs: 0 }),
};
