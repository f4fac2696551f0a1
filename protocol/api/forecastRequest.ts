import { z } from 'zod';

/** The most seeded runs one forecast request may ask for (each is a whole simulated run). */
export const MAX_FORECAST_SEEDS = 1000;

/**
 * `POST /api/forecast`: what `squad forecast FILE` does, for a squad file of the server's workspace:
 * `seeds` seeded runs (seeds 1…K) under `profile`, folded into the cost at `runsPerDay` for `days`.
 */
export const ForecastRequestSchema = z
  .object({
    file: z.string().min(1).max(1024).describe('A *.squad.yaml path, relative to the workspace.'),
    profile: z.string().min(1).max(64).default('production'),
    runsPerDay: z.number().positive().max(1e9),
    days: z.number().int().min(1).max(3650).default(30),
    seeds: z.number().int().min(1).max(MAX_FORECAST_SEEDS).default(100),
    /** The busiest hour against an average one (rate-limit headroom is judged at that peak). */
    peakFactor: z.number().min(1).max(1000).default(3),
  })
  .strict();
export type ForecastRequest = z.infer<typeof ForecastRequestSchema>;
