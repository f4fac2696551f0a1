import { z } from 'zod';
import { RunEventSchema } from '../runEvent';

/** The first event where two event sequences differ (a re-run against its journal, or two runs). */
export const DivergenceSchema = z.object({
  seq: z.number().int().positive(),
  expected: RunEventSchema.nullable(),
  actual: RunEventSchema.nullable(),
  /** The top-level fields that differ (empty when one side has no event there). */
  fields: z.array(z.string()),
});
export type DivergenceInfo = z.infer<typeof DivergenceSchema>;

/** `POST /api/runs/:id/replay`: how many events the journal has, how many the re-run reproduced, and where it parted. */
export const ReplayResponseSchema = z.object({
  events: z.number().int().nonnegative(),
  replayed: z.number().int().nonnegative(),
  divergence: DivergenceSchema.nullable(),
});
export type ReplayResponse = z.infer<typeof ReplayResponseSchema>;

/** `POST /api/runs/:id/fork` (201): the new run; `journal` is its id in every other URL. */
export const ForkResponseSchema = z.object({
  runId: z.string(),
  journal: z.string().min(1),
  status: z.string(),
  costUsd: z.number().nonnegative(),
  /** Where the recorded prefix did not reproduce (an edited squad file, or a changed engine). */
  prefixDivergence: DivergenceSchema.nullable(),
});
export type ForkResponse = z.infer<typeof ForkResponseSchema>;

/** One side of a diff: what the run did and cost (null `runId`: a journal without its `run.started`). */
export const DiffSideSchema = z.object({
  runId: z.string().nullable(),
  status: z.string(),
  events: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  virtualMs: z.number().nonnegative(),
  /** Cost per agent, USD (agents the run never priced are absent). */
  agents: z.record(z.string(), z.number().nonnegative()),
});
export type DiffSide = z.infer<typeof DiffSideSchema>;

/**
 * `GET /api/diff?a=&b=`: the events the runs share, the first one where they part (each run's version
 * of it, null for a run that had ended), and what each cost. One schema for every reader: the server
 * checks what it sends against it, the CLI's client, the extension and the web app parse with it. A
 * fork's `run.forked` marker is not compared, so `parting.seq` counts the compared events.
 */
export const DiffResponseSchema = z.object({
  shared: z.number().int().nonnegative(),
  parting: DivergenceSchema.nullable(),
  a: DiffSideSchema,
  b: DiffSideSchema,
});
export type DiffResponse = z.infer<typeof DiffResponseSchema>;
