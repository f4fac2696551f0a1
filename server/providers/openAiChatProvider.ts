import OpenAI from 'openai';
import type { ModelConfig } from '../../protocol/squadFile';
import type { FinishReason, ModelProvider, ModelRequest, ModelResponse } from '../engine/modelProvider';
import { lazyConnection } from './lazyConnection';
import { openAiRequest } from './openAiRequest';
import { OpenAiStreamChunkSchema } from './openAiStreamChunk';
import { OpenAiStreamReader } from './openAiStreamReader';
import type { SecretLookup } from './secretLookup';
import { streamedCall } from './streamedCall';
import { checkUsage, promptEstimate, replyEstimate } from './usageCheck';
import { WireToolNames } from './wireToolNames';
import type { ModelConnection } from './modelConnection';

export interface OpenAiChatProviderOptions {
  /** The key in the squad file's `models`, for messages. */
  name: string;
  config: ModelConfig;
  flavor: 'openai' | 'openai-compatible';
  secrets: SecretLookup;
  /** Replaces the global fetch (a proxy, a recording). */
  fetch?: typeof fetch;
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * One model behind the Chat Completions API: OpenAI itself, Azure OpenAI or a gateway (`baseUrl`),
 * or an OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp). Streams every reply, so a
 * halted run stops paying at once and a stalled stream is noticed.
 *
 * Nothing happens until the first call: the key is looked up and the client made then, so a provider
 * that is never called (a replayed run) needs no key and opens no connection. Retries are the
 * engine's (backoff, circuit breaker, journal), so the SDK's own are off.
 */
export class OpenAiChatProvider implements ModelProvider {
  private readonly client = lazyConnection((c) => this.makeClient(c));

  constructor(private readonly o: OpenAiChatProviderOptions) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const start = performance.now();
    const { connection, client } = this.client.get(this.o, request.signal);
    const names = new WireToolNames(request.tools);
    const reader = new OpenAiStreamReader(names);
    const inputTokens = promptEstimate(request);
    await streamedCall({
      provider: this.o.flavor,
      connection,
      signal: request.signal,
      open: (signal) => client.chat.completions.create(openAiRequest(request, names, this.o.flavor), { signal, timeout: connection.timeoutMs, maxRetries: 0 }),
      schema: OpenAiStreamChunkSchema,
      what: 'a Chat Completions chunk',
      add: (chunk) => reader.add(chunk),
      complete: () => reader.finishReason !== null,
      billedSoFar: () => reader.reportedUsage() ?? { inputTokens, cachedInputTokens: 0, outputTokens: replyEstimate(reader.replyText, reader.toolCalls()) },
    });
    const toolCalls = reader.toolCalls();
    const { usage, usageCheck } = checkUsage(reader.reportedUsage(), { inputTokens, outputTokens: replyEstimate(reader.replyText, toolCalls) });
    return { text: reader.replyText, toolCalls, usage, usageCheck, latencyMs: Math.round(performance.now() - start), finishReason: openAiFinishReason(reader.finishReason) };
  }

  private makeClient(connection: ModelConnection): OpenAI {
    return new OpenAI({
      // Always explicit: left out, the SDK would read OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_ORG_ID,
      // and could send the user's OpenAI key to whatever server `baseUrl` names. A local server
      // without a key gets a placeholder it ignores.
      apiKey: connection.apiKey ?? 'no-key',
      baseURL: connection.baseUrl ?? OPENAI_BASE_URL,
      organization: null,
      project: null,
      webhookSecret: null,
      defaultHeaders: connection.headers,
      maxRetries: 0,
      timeout: connection.timeoutMs,
      // OPENAI_LOG=debug would print requests (prompts, headers) to our stdout.
      logLevel: 'off',
      ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
    });
  }
}

/** Chat Completions' `finish_reason` in our terms (`function_call` is the legacy name of `tool_calls`). */
function openAiFinishReason(reason: string | null): FinishReason {
  if (reason === 'stop' || reason === 'length' || reason === 'tool_calls' || reason === 'content_filter') return reason;
  return reason === 'function_call' ? 'tool_calls' : 'other';
}
