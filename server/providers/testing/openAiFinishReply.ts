import type { SseEvent } from './scriptedHttpServer';

/**
 * A Chat Completions stream, as OpenAI sends it, whose one tool call is `finish`, then the usage
 * chunk (`stream_options.include_usage`) with `completionTokens` of which `reasoningTokens` reasoning.
 */
export function openAiFinishReply(completionTokens: number, reasoningTokens = 0): SseEvent[] {
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1760000000, model: 'o4-mini-2025-04-16' };
  const chunk = (d: unknown, finish: string | null = null) => ({ data: { ...base, choices: [{ index: 0, delta: d, finish_reason: finish }], usage: null } });
  return [
    chunk({ role: 'assistant', content: '' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'finish', arguments: '{"result":"summary"}' } }] }),
    chunk({}, 'tool_calls'),
    {
      data: {
        ...base,
        choices: [],
        usage: { prompt_tokens: 300, completion_tokens: completionTokens, total_tokens: 300 + completionTokens, completion_tokens_details: { reasoning_tokens: reasoningTokens } },
      },
    },
    { data: '[DONE]' },
  ];
}
