import { z } from 'zod';
import { RunEventSchema } from '../runEvent';

/** What one run of a diff cost: totals, and cost per agent (agents the run never priced are absent). */
export const RunCostSummarySchema = z.object({
  runId: z.string(),
  status: z.string(),
  events: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  virtualMs: z.number().nonnegative(),
  agents: z.record(z.string(), z.number().nonnegative()),
});
export type RunCostSummary = z.infer<typeof RunCostSummarySchema>;

/**
 * `GET /api/diff?a=RUN&b=RUN` as the web app reads it (server/http/replayRoutes.ts writes it): the
 * events both runs share, the first event where they part (each run's version of it, null for a
 * run that had ended; `fields` are the top-level fields that differ), and what each run cost.
 * A fork's `run.forked` marker is not compared, so `parting.seq` counts the compared events.
 */
export const RunDiffSchema = z.object({
  shared: z.number().int().nonnegative(),
  parting: z
    .object({
      seq: z.number().int().positive(),
      expected: RunEventSchema.nullable(),
      actual: RunEventSchema.nullable(),
      fields: z.array(z.string()),
    })
    .nullable(),
  a: RunCostSummarySchema,
  b: RunCostSummarySchema,
});
export type RunDiff = z.infer<typeof RunDiffSchema>;

/** `POST /api/runs/:id/fork`'s answer: `journal` is the new run's id in every other URL. */
export const ForkResponseSchema = z.object({
  runId: z.string(),
  journal: z.string().min(1),
  status: z.string(),
  costUsd: z.number().nonnegative(),
  prefixDivergence: z.unknown(),
});
export type ForkResponse = z.infer<typeof ForkResponseSchema>;
