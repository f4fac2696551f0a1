import { z } from 'zod';
// From its own file, not ./squadFile: the squad file's tests: import GuardrailKind from here.
import { GuardrailAction } from './squad/guardrailSettings';
import { GuardrailKind } from './guardrailKind';
import { JOURNAL_FORMAT_VERSION } from './journalFormatVersion';

/**
 * The run journal: the one source of truth of a run. Every view (accounting, traces, live streams,
 * replay, recovery) is a fold over these events. Events are append-only, `seq` starts at 1 and has no
 * gaps, and `t` is the run's (virtual) clock in milliseconds since the run started.
 *
 * Bump JOURNAL_FORMAT_VERSION (./journalFormatVersion.ts) on any change that an older reader would misread.
 */
// The constants and the guardrail kinds live in files of their own, so that what needs only them
// (the journal writer, the squad file's tests) does not build every event's schema (start-up).
export { GuardrailKind, JOURNAL_FORMAT_VERSION };
export { JOURNAL_LIMITS } from './journalLimits';

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

/** A real provider's usage beside our tokenizer's estimate of the same call (absent for the simulated one). */
export const UsageCheckSchema = z.object({
  /** Where `usage` came from: the provider's report (the billing truth), or our estimate when it sent none. */
  source: z.enum(['provider', 'estimate']),
  inputTokensEstimate: z.number().int().nonnegative(),
  outputTokensEstimate: z.number().int().nonnegative(),
  /** The provider's input count is far from ours: a chat template, model id or gateway worth a look. */
  disagrees: z.boolean(),
});
export type UsageCheck = z.infer<typeof UsageCheckSchema>;

export const MessageKind = z.enum(['task', 'handoff', 'question', 'answer', 'result']);
export type MessageKind = z.infer<typeof MessageKind>;

export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

/**
 * A mark travels with data built on something that went wrong: `degraded` when a context was
 * truncated, `tainted` when a tool call, a hand-off or a model call failed and a fallback or partial
 * data was used. Agents pass their marks on with every message they send, so the final result says
 * what it rests on.
 */
export const MarkSchema = z.object({
  kind: z.enum(['degraded', 'tainted']),
  /** The agent where it happened and the journal event that records it. */
  agent: z.string(),
  seq: z.number().int().positive(),
  reason: z.string(),
});
export type Mark = z.infer<typeof MarkSchema>;

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
  /** The MCP tools the run could reach, as offered to agents: replay offers the same. */
  tools: z.array(z.object({ name: z.string(), description: z.string(), inputSchema: z.record(z.string(), z.unknown()), cacheable: z.boolean().optional() })),
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
  marks: z.array(MarkSchema),
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

/**
 * Part of a join's wait was met: a message from `from` arrived, so the agent no longer waits on the
 * instances in `met` (`from` itself, or every instance of a replicated agent it handed nothing to).
 * The wait journaled last by `agent.waiting`, less every `met` since, is what the agent still waits
 * on; `missing` counts it. Journaling the arrival instead of the shrunk list keeps a join on K agents
 * at O(K) journal bytes, not O(K²).
 */
export const AgentWaitMetEvent = z.object({
  ...Base,
  type: z.literal('agent.wait.met'),
  from: z.string(),
  met: z.array(z.string()).min(1),
  missing: z.number().int().positive(),
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
  usageCheck: UsageCheckSchema.optional(),
  /**
   * Why the reply ended, as the provider says: `length` when it hit `maxOutputTokens` and was cut off
   * (its text truncated, a tool call it was writing dropped). Absent: the provider did not say.
   */
  finishReason: z.enum(['stop', 'tool_calls', 'length', 'content_filter', 'other']).optional(),
});

export const ModelFailedEvent = z.object({
  ...Base,
  type: z.literal('model.failed'),
  error: z.string(),
  latencyMs: z.number().nonnegative(),
  attempt: z.number().int().positive(),
  /** When the call is retried, after how long (backoff with full jitter); null when it is not. */
  retryInMs: z.number().nonnegative().nullable(),
  /** Not the provider's failure but ours (a script that ran out, a bug): the run fails on it. */
  fatal: z.boolean(),
  /** What a call cut off midway (a stream aborted when the run halted) was billed, as far as known. */
  usage: UsageSchema.optional(),
  costUsd: z.number().nonnegative().optional(),
  /**
   * The call of an instance of a replicated agent was abandoned: no answer within its `stuckAfterMs`
   * (`latencyMs`). Its work moves on (see `agent.failover`).
   */
  stuck: z.literal(true).optional(),
});

/** A model call held back by a rate limit (requests or tokens per minute) before it starts. */
export const ModelThrottledEvent = z.object({
  ...Base,
  type: z.literal('model.throttled'),
  model: z.string(),
  limit: z.enum(['requests', 'tokens']),
  waitMs: z.number().nonnegative(),
});

/** An agent's context did not fit its model's window and was cut down (never silently). */
export const ContextCompactedEvent = z.object({
  ...Base,
  type: z.literal('context.compacted'),
  policy: z.enum(['flag', 'summarize']),
  contextWindow: z.number().int().positive(),
  /** Prompt tokens before and after, and what was taken out. */
  promptTokensBefore: z.number().int().nonnegative(),
  promptTokensAfter: z.number().int().nonnegative(),
  droppedMessages: z.number().int().nonnegative(),
  droppedTokens: z.number().int().nonnegative(),
  /** For `summarize`: the summary's own size and what writing it cost. */
  summaryTokens: z.number().int().nonnegative(),
  usage: UsageSchema,
  costUsd: z.number().nonnegative(),
  /**
   * Messages too big to fit even alone, cut in place rather than dropped: their index in the
   * context, and the tokens cut out of each (a visible marker in the message says so).
   */
  cutMessages: z.array(z.object({ index: z.number().int().nonnegative(), droppedTokens: z.number().int().nonnegative() })).optional(),
});

/** The content-addressed context cache: a tool result or document served again, or stored. */
export const CacheLookupEvent = z.object({
  ...Base,
  type: z.literal('cache.lookup'),
  source: z.enum(['tool', 'document']),
  key: z.string(),
  hit: z.boolean(),
  /** Tokens of the content; on a hit, what serving it from the cache saved. */
  tokens: z.number().int().nonnegative(),
  tokensSaved: z.number().int().nonnegative(),
  /** On a tool hit: how long ago (run time) the answer served was stored. */
  ageMs: z.number().nonnegative().optional(),
});

/**
 * A call to a tool that may write (no `readOnlyHint`, or `cache: never` on such a tool) dropped the
 * cached answers of its server: when it was sent (`when: "call"`) or came back (`"result"`).
 * Journaled only when something was dropped.
 */
export const CacheInvalidatedEvent = z.object({
  ...Base,
  type: z.literal('cache.invalidated'),
  server: z.string(),
  callId: z.string(),
  tool: z.string(),
  when: z.enum(['call', 'result']),
  dropped: z.number().int().positive(),
});

/**
 * A tool server that could not start (its process exited, it never answered `initialize`, it lacks a
 * tool the file names): journaled right after `run.started`, with the reason and the server's stderr
 * tail, and the agents whose tools it held. The cascade policy then acts on it.
 */
export const ToolServerFailedEvent = z.object({
  ...Base,
  type: z.literal('tool.server.failed'),
  server: z.string(),
  reason: z.string(),
  agents: z.array(z.string()),
});

export const ToolErrorKind = z.enum(['tool', 'protocol', 'invalid-arguments', 'unknown-tool', 'too-large', 'timeout', 'unavailable']);
export type ToolErrorKind = z.infer<typeof ToolErrorKind>;

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
  /** The replica that answered, or the last one tried ("bureau#2"). Absent: a host without replicas. */
  replica: z.string().nullable().optional(),
  /** Attempts across replicas; absent means 1, 0 means refused before any server saw it. Beyond the first: retries. */
  attempts: z.number().int().nonnegative().optional(),
  /** Why a failed call failed (see ToolErrorKind in server/engine/toolHost.ts). */
  error: ToolErrorKind.optional(),
});

/**
 * A tool call moved to another replica after `from` crashed, dropped the connection or timed out.
 * Journaled when the call returns (`t`); `atMs` is when the failover happened.
 */
export const ToolFailoverEvent = z.object({
  ...Base,
  type: z.literal('tool.failover'),
  callId: z.string(),
  tool: z.string(),
  server: z.string(),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  /** The attempt that starts on `to` (2 for the first failover). */
  attempt: z.number().int().positive(),
  atMs: z.number().nonnegative(),
});

/** A replica of a tool server stopped serving; the pool restarts it at `restartAtMs` (null: never). */
export const ToolReplicaDownEvent = z.object({
  ...Base,
  type: z.literal('tool.replica.down'),
  server: z.string(),
  replica: z.string(),
  reason: z.string(),
  atMs: z.number().nonnegative(),
  restartAtMs: z.number().nonnegative().nullable(),
});

/** A replica is serving again after a restart and a health check (MCP ping). */
export const ToolReplicaUpEvent = z.object({
  ...Base,
  type: z.literal('tool.replica.up'),
  server: z.string(),
  replica: z.string(),
  restarts: z.number().int().nonnegative(),
  atMs: z.number().nonnegative(),
});

/**
 * An instance of a replicated agent crashed (its model call failed for good) or was stuck (no answer
 * within `stuckAfterMs`): its turn ends unacknowledged and the work it held moves to `to`, a healthy
 * instance of the same agent. `from` takes no work until `downUntil` (run time).
 */
export const AgentFailoverEvent = z.object({
  ...Base,
  type: z.literal('agent.failover'),
  /** The agent as the squad file declares it. */
  definition: z.string(),
  from: z.string(),
  to: z.string(),
  cause: z.enum(['crashed', 'stuck']),
  reason: z.string(),
  /** The messages moved: the failed turn's input, the mailbox, and questions it had not answered. */
  messageIds: z.array(z.string()),
  downUntil: z.number().nonnegative(),
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
  /** What the result rests on that went wrong: truncated context, failed calls, fallbacks. */
  marks: z.array(MarkSchema),
});

/**
 * This run is a fork: its events up to `atSeq` replay the parent's (same decisions, recorded model
 * and tool answers), and from here on it runs live, possibly with an edited squad file.
 */
export const RunForkedEvent = z.object({
  ...Base,
  type: z.literal('run.forked'),
  parentRunId: z.string(),
  /** Where the parent's journal was, as given to `squad fork`. */
  parentJournal: z.string(),
  atSeq: z.number().int().positive(),
  /** True when the fork runs another squad file than its parent (its sha256 differs). */
  edited: z.boolean(),
});

/**
 * The journal reached one of its limits with the event just before this one (see JOURNAL_LIMITS):
 * `events` and `bytes` are the journal's size then. Journaled once per limit and run; the run goes on.
 */
export const JournalLimitEvent = z.object({
  ...Base,
  type: z.literal('journal.limit'),
  limit: z.enum(['events', 'bytes']),
  threshold: z.number().int().positive(),
  events: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});

export const RunEventSchema = z.discriminatedUnion('type', [
  RunForkedEvent,
  JournalLimitEvent,
  RunStartedEvent,
  MessageSentEvent,
  MessageDeliveredEvent,
  AgentTurnStartedEvent,
  AgentTurnCompletedEvent,
  AgentWaitingEvent,
  AgentWaitMetEvent,
  ModelRequestEvent,
  ModelResponseEvent,
  ModelFailedEvent,
  ModelThrottledEvent,
  ContextCompactedEvent,
  CacheLookupEvent,
  CacheInvalidatedEvent,
  ToolServerFailedEvent,
  ToolCallEvent,
  ToolResultEvent,
  ToolFailoverEvent,
  ToolReplicaDownEvent,
  ToolReplicaUpEvent,
  AgentFailoverEvent,
  GuardrailTrippedEvent,
  RunCompletedEvent,
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent['type'];
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

/** What a journal writer reports when an append reaches a limit; the engine journals it as `journal.limit`. */
export type JournalLimitReached = Pick<RunEventOf<'journal.limit'>, 'limit' | 'threshold' | 'events' | 'bytes'>;

/** The fields the journal assigns; the engine supplies the rest. */
export type JournalAssigned = 'runId' | 'seq';
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type RunEventDraft = DistributiveOmit<RunEvent, JournalAssigned>;
