import { z } from 'zod';

/**
 * The part of `squad test --json` the Testing view reads, parsed at the boundary (the CLI is another
 * process): each case's runs, what they did, and the expectations they missed.
 */
export const CliTestReportSchema = z.object({
  passed: z.boolean(),
  cases: z.array(
    z.object({
      file: z.string(),
      squad: z.string(),
      name: z.string(),
      profile: z.string(),
      seeds: z.array(z.number()),
      passed: z.boolean(),
      runs: z.array(
        z.object({
          seed: z.number(),
          runId: z.string().nullable(),
          journal: z.string().nullable(),
          status: z.string(),
          costUsd: z.number(),
          turns: z.number(),
          trips: z.array(z.string()),
          failures: z.array(z.object({ expectation: z.string(), actual: z.string(), expected: z.string(), message: z.string() })),
          error: z.string().nullable(),
          wallMs: z.number(),
        }),
      ),
    }),
  ),
});
export type CliTestReport = z.infer<typeof CliTestReportSchema>;
