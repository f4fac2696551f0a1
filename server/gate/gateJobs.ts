import { z } from 'zod';
import { GuardrailKind, RunStatus } from '../../protocol/runEvent';

/**
 * The messages between `squad test` / `squad forecast` and their worker threads. Structured clone
 * carries them, but they still cross a boundary between two programs: each side parses what it gets.
 */

/** One run of one test case: the squad file as the parent read it, the case and the seed. */
export const TestJobSchema = z.object({
  kind: z.literal('test'),
  id: z.number().int(),
  /** The squad file's path as shown (relative to the working directory) and its text. */
  path: z.string(),
  text: z.string(),
  caseIndex: z.number().int().nonnegative(),
  seed: z.number().int(),
  /** The workspace whose `.squad/runs/` keeps the run's journal. */
  workspace: z.string(),
});
export type TestJob = z.infer<typeof TestJobSchema>;

/**
 * A saved journal to replay with the current engine and the squad file it recorded as that file is
 * now: its recorded path resolved against `cwd` (where `squad run` was started), then against the
 * journal's workspace; the journal's own copy when the file is gone.
 */
export const ReplayJobSchema = z.object({
  kind: z.literal('replay'),
  id: z.number().int(),
  journal: z.string(),
  cwd: z.string(),
});
export type ReplayJob = z.infer<typeof ReplayJobSchema>;

/** One seeded run of a forecast: no journal on disk, only the figures the forecast folds. */
export const ForecastJobSchema = z.object({
  kind: z.literal('forecast'),
  id: z.number().int(),
  path: z.string(),
  text: z.string(),
  profile: z.string(),
  seed: z.number().int(),
});
export type ForecastJob = z.infer<typeof ForecastJobSchema>;

export const GateJobSchema = z.discriminatedUnion('kind', [TestJobSchema, ReplayJobSchema, ForecastJobSchema]);
export type GateJob = z.infer<typeof GateJobSchema>;

export const RunFactsSchema = z.object({
  status: RunStatus,
  costUsd: z.number(),
  turns: z.number(),
  virtualMs: z.number(),
  trips: z.array(z.object({ kind: GuardrailKind, count: z.number(), action: z.string(), message: z.string() })),
  result: z.string().nullable(),
  reason: z.string().nullable(),
});

export const ExpectationFailureSchema = z.object({
  expectation: z.enum(['status', 'maxCostUsd', 'maxTurns', 'maxVirtualMs', 'noTrips', 'trips', 'resultContains', 'resultMatches']),
  actual: z.string(),
  expected: z.string(),
  message: z.string(),
});

export const TestJobResultSchema = z.object({
  kind: z.literal('test'),
  id: z.number().int(),
  runId: z.string(),
  journal: z.string(),
  facts: RunFactsSchema,
  failures: z.array(ExpectationFailureSchema),
  wallMs: z.number(),
});
export type TestJobResult = z.infer<typeof TestJobResultSchema>;

export const ReplayJobResultSchema = z.object({
  kind: z.literal('replay'),
  id: z.number().int(),
  runId: z.string(),
  events: z.number(),
  replayed: z.number(),
  /** The squad file the replay ran: the current one at this path, or the journal's own copy. */
  squad: z.string(),
  squadSource: z.enum(['current', 'recorded']),
  /** Null when every recorded decision was made again; else the report `squad replay` prints. */
  divergence: z.object({ seq: z.number(), fields: z.array(z.string()), report: z.string() }).nullable(),
  torn: z.string().nullable(),
  wallMs: z.number(),
});
export type ReplayJobResult = z.infer<typeof ReplayJobResultSchema>;

/** What one forecast run contributes: its cost (in all, per agent), trips, duration and model traffic. */
export const ForecastSampleSchema = z.object({
  kind: z.literal('forecast'),
  id: z.number().int(),
  seed: z.number().int(),
  status: RunStatus,
  costUsd: z.number(),
  agents: z.record(z.string(), z.number()),
  trips: z.array(GuardrailKind),
  virtualMs: z.number(),
  /** Per model (the squad's name for it): each request's start (ms into the run) and its tokens in and out. */
  calls: z.record(z.string(), z.array(z.tuple([z.number(), z.number()]))),
  wallMs: z.number(),
});
export type ForecastSample = z.infer<typeof ForecastSampleSchema>;

/** A job the worker could not run (a bug or an environment failure; bad input is caught before). */
export const JobErrorSchema = z.object({ kind: z.literal('error'), id: z.number().int(), message: z.string() });

export const GateResultSchema = z.discriminatedUnion('kind', [TestJobResultSchema, ReplayJobResultSchema, ForecastSampleSchema, JobErrorSchema]);
export type GateResult = z.infer<typeof GateResultSchema>;
