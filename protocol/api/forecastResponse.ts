import { z } from 'zod';

const QuantilesSchema = z.object({ mean: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() });

/** What `squad forecast --json` prints and `POST /api/forecast` answers (the web app's forecast chart draws it). */
export const ForecastSchema = z.object({
  squad: z.string(),
  file: z.string(),
  profile: z.string(),
  runs: z.number().int(),
  seeds: z.object({ first: z.number().int(), last: z.number().int() }),
  runsPerDay: z.number(),
  days: z.number(),
  costPerRunUsd: QuantilesSchema,
  costPerDayUsd: z.number(),
  costPerMonthUsd: z.number(),
  /** The `days` asked for. */
  costForPeriodUsd: z.number(),
  /** Cost per run: the histogram the chart draws (20 equal bins from min to max). */
  costHistogram: z.array(z.object({ fromUsd: z.number(), toUsd: z.number(), runs: z.number().int() })),
  agents: z.record(z.string(), z.object({ meanCostUsd: z.number(), share: z.number(), costPerDayUsd: z.number() })),
  statuses: z.record(z.string(), z.number()),
  /** The share of runs (0..1) in which each guardrail kind tripped at least once. */
  trips: z.record(z.string(), z.number()),
  runTimeMs: QuantilesSchema,
  peak: z.object({ factor: z.number(), hourRuns: z.number(), concurrentRuns: z.number() }),
  /** Per model: the busiest minute's requests and tokens against the model's `rateLimit` (null: none declared). */
  rateLimits: z.record(
    z.string(),
    z.object({
      requestsPerMinute: z.number(),
      tokensPerMinute: z.number(),
      limit: z.object({ requestsPerMinute: z.number().nullable(), tokensPerMinute: z.number().nullable() }),
      headroom: z.object({ requests: z.number().nullable(), tokens: z.number().nullable() }),
    }),
  ),
  tenants: z.record(
    z.string(),
    z.object({
      runsPerDay: z.number(),
      costPerDayUsd: z.number(),
      dailyBudgetUsd: z.number(),
      budgetUsed: z.number().nullable(),
      requestsPerMinute: z.number(),
      tokensPerMinute: z.number(),
      limit: z.object({ requestsPerMinute: z.number(), tokensPerMinute: z.number(), maxConcurrentRuns: z.number() }),
      concurrentRuns: z.number(),
    }),
  ),
  wallMs: z.number(),
});
export type Forecast = z.infer<typeof ForecastSchema>;
