import type { ToolSpec } from './modelProvider';

export interface ToolCallRequest {
  /** "server.tool" */
  tool: string;
  args: Record<string, unknown>;
  agent: string;
  /** Stable across retries and recovery: a tool server may use it to make the call idempotent. */
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
}

/**
 * Port: the MCP tools a run can reach. `call` resolves with `ok: false` for tool errors the agent
 * should see; it rejects only when the host itself is broken.
 */
export interface ToolHost {
  /** The tools of every declared server, named "server.tool". */
  tools(): readonly ToolSpec[];
  call(request: ToolCallRequest): Promise<ToolCallOutcome>;
}

/** A host with no tools, for squads that declare none. */
export const NO_TOOLS: ToolHost = {
  tools: () => [],
  call: (request) =>
    Promise.resolve({ ok: false, content: `no tool server provides "${request.tool}"`, latencyMs: 0 }),
};
