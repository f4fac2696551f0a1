import type { ToolCall, Usage, UsageCheck } from '../../protocol/runEvent';
import type { ResolvedModel } from './resolvedModel';

/** One message of an agent's context, in the provider-neutral shape every adapter maps from. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** The agent (or tool) that wrote it, when not the agent itself. */
  name?: string;
  /** For role `tool`: the call this is the result of. */
  toolCallId?: string;
  /**
   * For role `assistant`: the reply as the model gave it. `content` renders its tool calls as text
   * (what the tokenizer counts and a scripted model reads); real providers send them back as
   * structured tool calls, with the ids that the `tool` messages answer.
   */
  reply?: { text: string; toolCalls: readonly ToolCall[] };
}

/** A tool the model may call: our control actions and the agent's allowed MCP tools alike. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /**
   * True when the server says the tool only reads (MCP's `readOnlyHint`): the context cache may serve
   * it again instead of calling, and calling it leaves the server's other answers valid. Anything
   * else may write (see `toolResultCache.ts`); the squad file's `cache` setting overrides this.
   */
  cacheable?: boolean;
}

export interface ModelRequest {
  /** Who calls, as journaled: an agent, or one instance of a replicated agent (`financials#2`). */
  agent: string;
  /** The agent as the squad file declares it, when `agent` is one of its instances; else absent. */
  definition?: string;
  /** The agent's turn number (1-based) and the model call within that turn (1-based). */
  turn: number;
  call: number;
  model: ResolvedModel;
  messages: readonly ChatMessage[];
  tools: readonly ToolSpec[];
  /** The most the reply may hold (max_tokens). */
  maxOutputTokens: number;
  signal: AbortSignal;
}

export interface RequestedToolCall {
  name: string;
  /** Unvalidated: the engine checks it against the tool's schema before acting on it. */
  args: unknown;
}

export interface ModelResponse {
  text: string;
  toolCalls: RequestedToolCall[];
  /** As the provider bills it. */
  usage: Usage;
  /** Time from request to the last token: simulated, or measured for real providers. */
  latencyMs: number;
  /** Real providers: our tokenizer's estimate beside the reported usage, journaled with the response. */
  usageCheck?: UsageCheck;
  /** Why the reply ended; `length`: cut off at `maxOutputTokens`. */
  finishReason?: FinishReason;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';

/**
 * Port: a language model. A call that fails rejects with a `ModelCallError` (retryable or not), which
 * the engine records as `model.failed`; any other rejection is a bug and fails the run.
 */
export interface ModelProvider {
  complete(request: ModelRequest): Promise<ModelResponse>;
  /**
   * A recorded answer stands in for this call (replay, resume, fork): move on as if it had been made,
   * without making it, so what the provider decides next (a script's next step, its random draws)
   * stays where it would be. Providers that keep no state leave it out.
   */
  skip?(request: ModelRequest): void;
}
