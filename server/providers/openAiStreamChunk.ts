import { z } from 'zod';

/**
 * One `data:` payload of a streaming Chat Completions response, as far as we read it. Loose: servers
 * add fields, and OpenAI-compatible ones leave some out (an `index` on tool-call deltas, `id`s), so
 * only what we use is required, with the types we rely on.
 */
const ToolCallDelta = z.looseObject({
  index: z.number().int().nonnegative().optional(),
  id: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const ChoiceDelta = z.looseObject({
  content: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ToolCallDelta).nullish(),
});

export const OpenAiUsageSchema = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().int().nonnegative().nullish() }).nullish(),
});

export const OpenAiStreamChunkSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().nonnegative().optional(),
        delta: ChoiceDelta.nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: OpenAiUsageSchema.nullish(),
});
export type OpenAiStreamChunk = z.infer<typeof OpenAiStreamChunkSchema>;
