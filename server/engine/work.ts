import type { CacheTicket } from './toolResultCache';
import type { Message } from './agentRuntime';
import type { ModelResponse } from './modelProvider';
import type { ToolCallOutcome } from './toolHost';

/**
 * One item of the scheduler's queue. Answers of model and tool calls are work items like any other:
 * the call is started by one step and its completion is taken by a later one (`modelDone`,
 * `modelFailed`, `toolDone`), in the queue's (time, order) order.
 */
export type Work =
  | { kind: 'deliver'; message: Message }
  | { kind: 'turn'; agent: string }
  | { kind: 'model'; agent: string; throttled: boolean }
  | { kind: 'modelDone'; agent: string; call: object; response: ModelResponse }
  | { kind: 'modelFailed'; agent: string; call: object; error: unknown; latencyMs: number }
  | { kind: 'stuck'; agent: string; call: object; afterMs: number }
  | { kind: 'toolDone'; agent: string; callId: string; tool: string; outcome: ToolCallOutcome; cacheKey: CacheTicket | null; writes: boolean };
