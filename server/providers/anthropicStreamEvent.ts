import { z } from 'zod';

/**
 * The events of a streaming Messages response that we read, as the API documents them
 * (message_start, content_block_start/delta/stop, message_delta, message_stop, ping). Loose: new
 * fields and new block or delta types (thinking, citations) must not break a run, so they parse and
 * are ignored; what we use has to have the type we rely on.
 */
const AnthropicUsageSchema = z.looseObject({
  input_tokens: z.number().int().nonnegative().nullish(),
  output_tokens: z.number().int().nonnegative().nullish(),
  cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
  cache_read_input_tokens: z.number().int().nonnegative().nullish(),
});
export type AnthropicUsage = z.infer<typeof AnthropicUsageSchema>;

const MessageStart = z.looseObject({
  type: z.literal('message_start'),
  message: z.looseObject({ usage: AnthropicUsageSchema }),
});

const BlockStart = z.looseObject({
  type: z.literal('content_block_start'),
  index: z.number().int().nonnegative(),
  content_block: z.union([
    z.looseObject({ type: z.literal('text'), text: z.string() }),
    z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
    z.looseObject({ type: z.string() }),
  ]),
});

const BlockDelta = z.looseObject({
  type: z.literal('content_block_delta'),
  index: z.number().int().nonnegative(),
  delta: z.union([
    z.looseObject({ type: z.literal('text_delta'), text: z.string() }),
    z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string() }),
    z.looseObject({ type: z.string() }),
  ]),
});

const MessageDelta = z.looseObject({
  type: z.literal('message_delta'),
  delta: z.looseObject({ stop_reason: z.string().nullish() }),
  usage: AnthropicUsageSchema,
});

const Other = z.looseObject({ type: z.enum(['content_block_stop', 'message_stop', 'ping']) });

export const AnthropicStreamEventSchema = z.discriminatedUnion('type', [MessageStart, BlockStart, BlockDelta, MessageDelta, Other]);
export type AnthropicStreamEvent = z.infer<typeof AnthropicStreamEventSchema>;
