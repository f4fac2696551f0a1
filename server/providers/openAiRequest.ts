import type OpenAI from 'openai';
import type { ModelRequest } from '../engine/modelProvider';
import { providerTranscript } from './providerTranscript';
import { toolParameters } from './toolParameters';
import type { WireToolNames } from './wireToolNames';

type Params = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;
type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/**
 * A streaming Chat Completions request. `stream_options.include_usage` makes the server end the
 * stream with a usage chunk, which is the billing truth. OpenAI itself takes `max_completion_tokens`
 * (reasoning models refuse `max_tokens`); OpenAI-compatible servers (Ollama, vLLM, llama.cpp) know
 * `max_tokens`.
 */
export function openAiRequest(request: ModelRequest, names: WireToolNames, flavor: 'openai' | 'openai-compatible'): Params {
  const messages: Message[] = [];
  for (const entry of providerTranscript(request.messages)) {
    switch (entry.kind) {
      case 'system':
        messages.push({ role: 'system', content: entry.text });
        break;
      case 'user':
        messages.push({ role: 'user', content: entry.text });
        break;
      case 'assistant':
        messages.push(
          entry.toolCalls.length === 0
            ? { role: 'assistant', content: entry.text }
            : {
                role: 'assistant',
                content: entry.text === '' ? null : entry.text,
                tool_calls: entry.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: names.wire(c.name), arguments: JSON.stringify(c.args) } })),
              },
        );
        break;
      case 'toolResult':
        messages.push({ role: 'tool', tool_call_id: entry.callId, content: entry.content });
        break;
    }
  }
  const params: Params = {
    model: request.model.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- OpenAI deprecated max_tokens for its own API only; OpenAI-compatible servers (vLLM, Ollama, LiteLLM, Azure) still read max_tokens
    ...(flavor === 'openai' ? { max_completion_tokens: request.maxOutputTokens } : { max_tokens: request.maxOutputTokens }),
  };
  if (request.tools.length > 0) {
    params.tools = request.tools.map((t) => ({
      type: 'function',
      function: { name: names.wire(t.name), description: t.description, parameters: toolParameters(t.inputSchema) },
    }));
  }
  return params;
}
