import { z } from 'zod';
import { GuardrailAction } from './squadFile';

/**
 * The run journal: the one source of truth of a run. Every view (accounting, traces, live streams,
 * replay, recovery) is a fold over these events. Events are append-only, `seq` starts at 1 and has no
 * gaps, and `t` is the run's (virtual) clock in milliseconds since the run started.
 *
 * Bump JOURNAL_FORMAT_VERSION on any change that an older reader would misread.
 */
export const JOURNAL_FORMAT_VERSION = 1;

const Base = {
  runId: z.string().min(1),
  seq: z.number().int().positive(),
  t: z.number().nonnegative(),
  /** The agent the event belongs to; null for run-level events. */
  agent: z.string().nullable(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
};

export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const MessageKind = z.enum(['task', 'handoff', 'question', 'answer', 'result']);
export type MessageKind = z.infer<typeof MessageKind>;

export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const GuardrailKind = z.enum([
  'chatter',
  'loop',
  'truncation',
  'cascade',
  'token-explosion',
  'deadlock',
  'budget',
  'rate-limit',
  'timeout',
  'circuit-open',
]);
export type GuardrailKind = z.infer<typeof GuardrailKind>;

export const RunStatus = z.enum(['completed', 'failed', 'halted', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunStartedEvent = z.object({
  ...Base,
  type: z.literal('run.started'),
  formatVersion: z.number().int().positive(),
  squad: z.object({
    name: z.string(),
    /** As the user named it (relative to the working directory), for display only. */
    path: z.string(),
    sha256: z.string(),
    /** The whole squad file, so a journal alone is enough to replay or fork the run. */
    source: z.string(),
  }),
  profile: z.string(),
  seed: z.number().int(),
  tenant: z.string(),
  entry: z.string(),
  input: z.string(),
});

export const MessageSentEvent = z.object({
  ...Base,
  type: z.literal('message.sent'),
  messageId: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  kind: MessageKind,
  content: z.string(),
  tokens: z.number().int().nonnegative(),
  /** The question an answer replies to, or the handoff a result returns. */
  inReplyTo: z.string().nullable(),
});

export const MessageDeliveredEvent = z.object({
  ...Base,
  type: z.literal('message.delivered'),
  messageId: z.string(),
  to: z.string(),
});

export const AgentTurnStartedEvent = z.object({
  ...Base,
  type: z.literal('agent.turn.started'),
  turn: z.number().int().positive(),
  /** Messages this turn takes from the mailbox, acknowledged when the turn completes. */
  consumed: z.array(z.string()),
});

export const AgentTurnCompletedEvent = z.object({
  ...Base,
  type: z.literal('agent.turn.completed'),
  turn: z.number().int().positive(),
  acked: z.array(z.string()),
  outcome: z.enum(['idle', 'waiting', 'finished', 'failed', 'stopped']),
});

export const AgentWaitingEvent = z.object({
  ...Base,
  type: z.literal('agent.waiting'),
  /** The agents whose message this agent needs before it can go on (the wait-for edges). */
  on: z.array(z.string()),
  reason: z.enum(['answer', 'join']),
  /** The open question, for reason `answer`. */
  questionId: z.string().nullable(),
});

export const ModelRequestEvent = z.object({
  ...Base,
  type: z.literal('model.request'),
  provider: z.string(),
  model: z.string(),
  messages: z.number().int().nonnegative(),
  /** Our tokenizer's count of the prompt; the provider's usage in model.response is the billing truth. */
  inputTokensEstimate: z.number().int().nonnegative(),
  contextWindow: z.number().int().positive(),
  tools: z.array(z.string()),
});

export const ModelResponseEvent = z.object({
  ...Base,
  type: z.literal('model.response'),
  text: z.string(),
  toolCalls: z.array(ToolCallSchema),
  usage: UsageSchema,
  costUsd: z.number().nonnegative(),
  /** False when the model is missing from the pricing table: costUsd is then 0 and unknown. */
  priced: z.boolean(),
  latencyMs: z.number().nonnegative(),
});

export const ModelFailedEvent = z.object({
  ...Base,
  type: z.literal('model.failed'),
  error: z.string(),
  latencyMs: z.number().nonnegative(),
});

export const ToolCallEvent = z.object({
  ...Base,
  type: z.literal('tool.call'),
  callId: z.string(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
});

export const ToolResultEvent = z.object({
  ...Base,
  type: z.literal('tool.result'),
  callId: z.string(),
  tool: z.string(),
  ok: z.boolean(),
  content: z.string(),
  bytes: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
});

export const GuardrailTrippedEvent = z.object({
  ...Base,
  type: z.literal('guardrail.tripped'),
  kind: GuardrailKind,
  action: GuardrailAction,
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
});

export const RunCompletedEvent = z.object({
  ...Base,
  type: z.literal('run.completed'),
  status: RunStatus,
  result: z.string().nullable(),
  reason: z.string().nullable(),
});

export const RunEventSchema = z.discriminatedUnion('type', [
  RunStartedEvent,
  MessageSentEvent,
  MessageDeliveredEvent,
  AgentTurnStartedEvent,
  AgentTurnCompletedEvent,
  AgentWaitingEvent,
  ModelRequestEvent,
  ModelResponseEvent,
  ModelFailedEvent,
  ToolCallEvent,
  ToolResultEvent,
  GuardrailTrippedEvent,
  RunCompletedEvent,
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent['type'];
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

/** The fields the journal assigns; the engine supplies the rest. */
export type JournalAssigned = 'runId' | 'seq';
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type RunEventDraft = DistributiveOmit<RunEvent, JournalAssigned>;
