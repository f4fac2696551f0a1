import { z } from 'zod';
import { GuardrailKind, RunEventSchema, UsageSchema } from '../runEvent';
import { GuardrailAction } from '../squadFile';

/**
 * Where a run is. The first four are the server's; the last five are how a run ends (the journal's
 * `run.completed` status), plus `refused` (never started: a tenant limit said no) and `interrupted`
 * (a saved journal without `run.completed`: the server stopped while the run was paused or running).
 */
export const RunStateSchema = z.enum(['queued', 'running', 'paused', 'completed', 'failed', 'halted', 'cancelled', 'refused', 'interrupted']);
export type RunState = z.infer<typeof RunStateSchema>;

export const TERMINAL_STATES: readonly RunState[] = ['completed', 'failed', 'halted', 'cancelled', 'refused', 'interrupted'];

/**
 * Where a paused run is held: the engine's checkpoint (before a turn, model call, tool call or
 * message), or a guardrail whose action is `pause`.
 */
export const HeldAtSchema = z.object({
  kind: z.enum(['turn', 'model', 'tool', 'message', 'guardrail']),
  agent: z.string(),
  turn: z.number().int(),
  detail: z.string().nullable(),
});
export type HeldAt = z.infer<typeof HeldAtSchema>;

export const RunUsageSchema = UsageSchema.extend({ costUsd: z.number().nonnegative() });

/** A run as every list shows it: a fold of its journal plus what only the server knows (queueing). */
export const RunInfoSchema = z.object({
  /** The handle in every URL: the journal's file name without `.jsonl` (`<runId>` or `<runId>-N`). */
  id: z.string(),
  /** The execution's id, as in every event (identical inputs give the same one; see runId.ts). */
  runId: z.string(),
  tenant: z.string(),
  squad: z.string(),
  file: z.string(),
  profile: z.string(),
  seed: z.number().int(),
  state: RunStateSchema,
  reason: z.string().nullable(),
  held: HeldAtSchema.nullable(),
  lastSeq: z.number().int().nonnegative(),
  virtualMs: z.number().nonnegative(),
  usage: RunUsageSchema,
  /** The run's cost limit: the profile's, lowered to what the tenant had left of its day when it started. */
  budgetUsd: z.number().nonnegative().nullable(),
  guardrails: z.array(z.object({ seq: z.number().int(), kind: GuardrailKind, agent: z.string().nullable(), action: GuardrailAction, message: z.string() })),
  /** The journal's size limits the run reached (`journal.limit`: 10,000 events, 10 MiB): warnings, the run went on. */
  journalLimits: z.array(
    z.object({
      seq: z.number().int().positive(),
      limit: z.enum(['events', 'bytes']),
      threshold: z.number().int().positive(),
      events: z.number().int().nonnegative(),
      bytes: z.number().int().nonnegative(),
    }),
  ),
  rateLimit: z.object({ waits: z.number().int().nonnegative(), waitMs: z.number().nonnegative(), refusals: z.number().int().nonnegative() }),
  /** Wall-clock times (ISO 8601) of this server; null for what has not happened or is not known. */
  createdAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Wall milliseconds spent in the tenant's queue before a slot was free. */
  queuedMs: z.number().nonnegative().nullable(),
  /** Wall milliseconds from start to end. */
  wallMs: z.number().nonnegative().nullable(),
  /** True for runs of this server session; false for journals read from disk. */
  live: z.boolean(),
});
export type RunInfo = z.infer<typeof RunInfoSchema>;

export const AgentUsageSchema = z.object({
  turns: z.number().int(),
  modelCalls: z.number().int(),
  inputTokens: z.number().int(),
  cachedInputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  toolCalls: z.number().int(),
  toolErrors: z.number().int(),
  modelMs: z.number(),
  toolMs: z.number(),
  messagesSent: z.number().int(),
});

/** `GET /api/runs/:id`: the run and its accounting per agent. */
export const RunDetailSchema = RunInfoSchema.extend({
  result: z.string().nullable(),
  agents: z.record(z.string(), AgentUsageSchema),
  journal: z.string(),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const RunResponseSchema = z.object({ run: RunInfoSchema });
export const RunListResponseSchema = z.object({ runs: z.array(RunInfoSchema) });
export const RunDetailResponseSchema = z.object({ run: RunDetailSchema });

/** `GET /api/runs/:id/journal`: events from `fromSeq`; `nextSeq` is where the next page starts. */
export const JournalPageSchema = z.object({
  events: z.array(RunEventSchema),
  nextSeq: z.number().int().positive(),
  /** True once the page reaches the end of a run that has ended: there will be no more events. */
  complete: z.boolean(),
});
export type JournalPage = z.infer<typeof JournalPageSchema>;
