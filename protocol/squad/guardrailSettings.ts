import { z } from 'zod';

/**
 * What a guardrail does when it trips: `warn` records and goes on; `block-edge` refuses the one
 * hand-off, tool call or model call it gates (the refusal is a failure the cascade guardrail sees);
 * `pause` holds the run for a person (halts where no one can resume it, as in a bare CLI run);
 * `halt` ends the run.
 */
export const GuardrailAction = z.enum(['warn', 'block-edge', 'pause', 'halt']);
export type GuardrailAction = z.infer<typeof GuardrailAction>;

// Every field is optional here: defaults live in one place (server/engine/runProfile.ts) so that a
// profile can override one field of a guardrail without restating the others.

const positive = () => z.number().positive();
const count = () => z.number().int().positive();

export const ChatterSettingsSchema = z
  .object({
    action: GuardrailAction.optional().describe("Default block-edge: the edge's circuit opens."),
    windowMs: positive().optional().describe('Sliding window (run time) over which an edge is measured.'),
    maxMessagesPerEdge: count().optional().describe('Messages one edge A→B may carry within the window.'),
    maxTokensPerEdge: count().optional().describe('Tokens one edge A→B may carry within the window.'),
    maxCoordinationRatio: positive().optional().describe('Coordination tokens (hand-offs, questions, answers) per work token (tool calls, results).'),
    minCoordinationTokens: count().optional().describe('The ratio is only judged past this many coordination tokens.'),
  })
  .strict();

export const LoopSettingsSchema = z
  .object({
    action: GuardrailAction.optional(),
    repeatedState: count().optional().describe('Trip when an agent gets the same (normalized) input this many times.'),
    pingPong: count().optional().describe('Trip after this many A→B→A rounds with no new work in between.'),
  })
  .strict();

export const TruncationSettingsSchema = z
  .object({
    policy: z.enum(['fail', 'flag', 'summarize']).optional().describe('fail: halt; flag: drop the oldest messages and mark the output degraded; summarize: replace them with a summary.'),
    reserveOutputTokens: count().optional().describe('Room kept free in the context window for the reply.'),
  })
  .strict();

export const CascadeSettingsSchema = z
  .object({
    policy: z
      .enum(['halt', 'fallback', 'taint'])
      .optional()
      .describe('halt: a failed tool call or hand-off ends the run; fallback: the agent returns its declared fallback, tainted; taint: go on, marking what depends on it.'),
  })
  .strict();

export const TokenExplosionSettingsSchema = z
  .object({
    action: GuardrailAction.optional(),
    cache: z.boolean().optional().describe('Serve a tool result or document loaded before from the context cache.'),
    crossRun: z.boolean().optional().describe('Deprecated: does nothing (the context cache lives within one run); accepted with a warning so older files still run.'),
    cacheTtlMs: count().optional().describe('How long (run time) a cached tool result may be served again; set per profile under profiles.NAME.guardrails (default 300000).'),
    minCachedTokens: count().optional().describe('Documents smaller than this are not worth a cache entry.'),
    maxPromptGrowth: positive().optional().describe("Trip when an agent's prompt grows by more than this factor turn over turn…"),
    growthTurns: count().optional().describe('…for this many turns in a row.'),
    minPromptTokens: count().optional().describe('Prompts smaller than this are never judged for growth.'),
    maxSummaryCostShare: z.number().min(0).max(1).optional().describe('Trip when summaries cost more than this share of the run.'),
  })
  .strict();

export const DeadlockSettingsSchema = z
  .object({
    action: z.enum(['halt', 'break', 'warn']).optional().describe('halt: end the run; break: fail the youngest wait with a message to the asker.'),
  })
  .strict();

export const RetrySettingsSchema = z
  .object({
    maxAttempts: count().optional().describe('Attempts of one model call, the first included.'),
    baseDelayMs: positive().optional(),
    maxDelayMs: positive().optional(),
  })
  .strict();

export const CircuitBreakerSettingsSchema = z
  .object({
    failureThreshold: count().optional().describe('Consecutive failures that open the circuit of a model or tool server.'),
    cooldownMs: positive().optional().describe('How long an open circuit refuses calls before it lets one through.'),
  })
  .strict();

export const GuardrailSettingsSchema = z
  .object({
    maxTurnsPerAgent: count().optional().describe('Loop guard: turns one agent may take.'),
    maxRunTurns: count().optional().describe('Loop guard: turns all agents may take together.'),
    budgetUsd: z.number().nonnegative().optional().describe('Hard cost limit of one run, in USD.'),
    runTimeoutMs: positive().optional().describe("The run's deadline in run time (virtual under the simulated provider): the SLA the squad must meet."),
    chatter: ChatterSettingsSchema.optional(),
    loop: LoopSettingsSchema.optional(),
    truncation: TruncationSettingsSchema.optional(),
    cascade: CascadeSettingsSchema.optional(),
    tokenExplosion: TokenExplosionSettingsSchema.optional(),
    deadlock: DeadlockSettingsSchema.optional(),
    retry: RetrySettingsSchema.optional(),
    circuitBreaker: CircuitBreakerSettingsSchema.optional(),
    disabled: z
      .array(z.enum(['chatter', 'loop', 'truncation', 'cascade', 'token-explosion', 'deadlock', 'budget', 'rate-limit', 'circuit-open']))
      .optional()
      .describe('Guardrails to switch off. Turn and budget limits stay as hard stops.'),
  })
  .strict();
export type GuardrailSettings = z.infer<typeof GuardrailSettingsSchema>;
