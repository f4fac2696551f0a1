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
    burst: z.number().positive().max(1).optional().describe("How much of a minute's allowance a spike may use at once (0 < burst ≤ 1; default 1: a full minute at once)."),
    maxQueueMs: z.number().nonnegative().optional().describe('A call that would wait longer than this is refused (default 60000).'),
  })
  .strict();
export type ModelRateLimit = z.infer<typeof ModelRateLimitSchema>;

/** Where a model runs. `simulated` plays the agents' scripts; the others call a real API. */
export const ModelProviderKind = z.enum(['simulated', 'openai', 'openai-compatible', 'anthropic']);
export type ModelProviderKind = z.infer<typeof ModelProviderKind>;

/** A POSIX environment variable name: the file names the variable, never holds the key. */
export const EnvNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name, like OPENAI_API_KEY');

export const ModelSchema = z
  .object({
    provider: ModelProviderKind.describe(
      "Where the model runs: `simulated` (the agents' scripts, offline), `openai` (Chat Completions; `baseUrl` for Azure OpenAI or a gateway), `openai-compatible` (Ollama, vLLM, LM Studio, llama.cpp server: `baseUrl` and an optional key), `anthropic` (Messages API).",
    ),
    model: z.string().min(1).describe('The provider model id; prices and context window come from the pricing table.'),
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .optional()
      .describe("The API's base URL, e.g. http://127.0.0.1:11434/v1 for Ollama. Required for `openai-compatible`."),
    apiKeyEnv: EnvNameSchema.optional().describe(
      'The environment variable that holds the API key (inside VS Code, a key saved in its secret storage under this name). Required for `openai` and `anthropic`.',
    ),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name'), z.string())
      .optional()
      .describe('Sent with every request (an Azure `api-key`, a gateway\'s routing header). "${env:NAME}" takes NAME from the environment: keep secrets out of the file.'),
    timeoutMs: z.number().int().positive().optional().describe('How long a request may wait for the response to start before it fails as retryable (default 60000).'),
    idleTimeoutMs: z.number().int().positive().optional().describe('How long a streaming response may stall between two chunks before it fails as retryable (default 30000).'),
    promptCaching: z.boolean().optional().describe('Anthropic: mark the stable prefix (tools, instructions, history) for prompt caching (default true). OpenAI caches on its own.'),
    contextWindow: z.number().int().positive().optional().describe('Overrides the pricing table.'),
    price: ModelPriceSchema.optional().describe('Overrides the pricing table, in USD per million tokens.'),
    latency: ModelLatencySchema.optional().describe('Simulated latency before profile scaling.'),
    maxOutputTokens: z.number().int().positive().optional().describe('The most a reply may hold (sent as max_tokens); the budget reserves it per call. Default 4096.'),
    rateLimit: ModelRateLimitSchema.optional().describe('Token buckets applied to this model across the run.'),
    maxConcurrency: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("The most calls to this model in flight at once across the run (a provider's or gateway's concurrency limit); more wait their turn. Default: no limit."),
  })
  .strict();
export type ModelConfig = z.infer<typeof ModelSchema>;
