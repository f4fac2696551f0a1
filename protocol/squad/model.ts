import { z } from 'zod';

export const ModelLatencySchema = z
  .object({
    ttftMs: z.number().nonnegative().default(400).describe('Time to first token, in milliseconds.'),
    tokensPerSecond: z.number().positive().default(60).describe('Output speed once tokens flow.'),
  })
  .strict();
export type ModelLatency = z.infer<typeof ModelLatencySchema>;

export const ModelPriceSchema = z
  .object({
    inputPerMTok: z.number().nonnegative().describe('USD per million input tokens.'),
    cachedInputPerMTok: z.number().nonnegative().describe('USD per million cached input tokens.'),
    outputPerMTok: z.number().nonnegative().describe('USD per million output tokens.'),
  })
  .strict();
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

export const ModelRateLimitSchema = z
  .object({
    requestsPerMinute: z.number().positive().optional(),
    tokensPerMinute: z.number().positive().optional(),
    burst: z
      .number()
      .positive()
      .max(1)
      .optional()
      .describe('How much of a minute\'s allowance a spike may use at once (0 < burst ≤ 1; default 1: a full minute at once).'),
    maxQueueMs: z.number().nonnegative().optional().describe('A call that would wait longer than this is refused (default 60000).'),
  })
  .strict();
export type ModelRateLimit = z.infer<typeof ModelRateLimitSchema>;

export const ModelSchema = z
  .object({
    provider: z.enum(['simulated']).describe('Where the model runs. Real providers arrive with their own adapters.'),
    model: z.string().min(1).describe('The provider model id; prices and context window come from the pricing table.'),
    contextWindow: z.number().int().positive().optional().describe('Overrides the pricing table.'),
    price: ModelPriceSchema.optional().describe('Overrides the pricing table, in USD per million tokens.'),
    latency: ModelLatencySchema.optional().describe('Simulated latency before profile scaling.'),
    maxOutputTokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('The most a reply may hold (sent as max_tokens); the budget reserves it per call. Default 4096.'),
    rateLimit: ModelRateLimitSchema.optional().describe('Token buckets applied to this model across the run.'),
  })
  .strict();
export type ModelConfig = z.infer<typeof ModelSchema>;
