import { z } from 'zod';

export const LatencyDistribution = z.enum(['lognormal', 'pareto']);
export type LatencyDistribution = z.infer<typeof LatencyDistribution>;

export const ToolLatencySchema = z
  .object({
    p50Ms: z.number().nonnegative().describe('Median added latency, in milliseconds.'),
    p99Ms: z.number().nonnegative().describe('99th percentile added latency, in milliseconds.'),
    distribution: LatencyDistribution.default('lognormal').describe('lognormal (the usual service tail) or pareto (a heavier one).'),
  })
  .strict()
  .refine((l) => l.p99Ms >= l.p50Ms, { error: 'p99Ms must be at least p50Ms', path: ['p99Ms'] })
  .refine((l) => l.p50Ms > 0 || l.p99Ms === 0, { error: 'p50Ms must be above 0 when p99Ms is', path: ['p50Ms'] });
export type ToolLatencyConfig = z.infer<typeof ToolLatencySchema>;

const rate = (what: string) => z.number().min(0).max(1).optional().describe(what);

/**
 * The conditions one tool server meets under a profile: how slow, how lossy, how scaled. They are
 * injected by the pool on top of the real call, drawn from the run's seeded random source.
 */
export const ToolConditionsSchema = z
  .object({
    simulate: z.boolean().optional().describe("Answer from the server's `simulated` tools instead of starting it (a laptop or CI without the server)."),
    latency: ToolLatencySchema.optional().describe('Latency added to every call.'),
    errorRate: rate('Share of calls that fail with a JSON-RPC error (returned to the agent, not retried).'),
    dropRate: rate('Share of calls whose connection drops: the replica goes down and the call fails over.'),
    hangRate: rate('Share of calls that never answer: the attempt times out and fails over.'),
    coldStartMs: z.number().nonnegative().optional().describe('Added to the first call a replica serves after it starts.'),
    concurrency: z.number().int().positive().optional().describe('Calls one replica serves at once; more wait in its queue.'),
    timeoutMs: z.number().int().positive().optional().describe("Overrides the server's timeoutMs (one attempt)."),
  })
  .strict()
  .refine((c) => (c.errorRate ?? 0) + (c.dropRate ?? 0) + (c.hangRate ?? 0) <= 1, {
    error: 'errorRate + dropRate + hangRate must not exceed 1',
  });
export type ToolConditionsConfig = z.infer<typeof ToolConditionsSchema>;
