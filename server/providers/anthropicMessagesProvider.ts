import Anthropic from '@anthropic-ai/sdk';
import type { ModelConfig } from '../../protocol/squadFile';
import { ModelCallError } from '../engine/modelCallError';
import type { FinishReason, ModelProvider, ModelRequest, ModelResponse } from '../engine/modelProvider';
import { anthropicRequest } from './anthropicRequest';
import { AnthropicStreamEventSchema } from './anthropicStreamEvent';
import { AnthropicStreamReader } from './anthropicStreamReader';
import { lazyConnection } from './lazyConnection';
import type { ModelConnection } from './modelConnection';
import type { SecretLookup } from './secretLookup';
import { streamedCall } from './streamedCall';
import { checkUsage, promptEstimate, replyEstimate } from './usageCheck';
import { WireToolNames } from './wireToolNames';

export interface AnthropicMessagesProviderOptions {
  /** The key in the squad file's `models`, for messages. */
  name: string;
  config: ModelConfig;
  secrets: SecretLookup;
  /** Replaces the global fetch (a proxy, a recording). */
  fetch?: typeof fetch;
}

const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/**
 * One model behind Anthropic's Messages API, streamed, with prompt caching on the stable prefix
 * unless the squad file turns it off. Like the OpenAI provider: nothing happens until the first call,
 * and the engine, not the SDK, retries.
 */
export class AnthropicMessagesProvider implements ModelProvider {
  private readonly client = lazyConnection((c) => this.makeClient(c));

  constructor(private readonly o: AnthropicMessagesProviderOptions) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const start = performance.now();
    const { connection, client } = this.client.get(this.o, request.signal);
    const names = new WireToolNames(request.tools);
    const reader = new AnthropicStreamReader(names);
    const inputTokens = promptEstimate(request);
    const body = anthropicRequest(request, names, { promptCaching: this.o.config.promptCaching ?? true });
    await streamedCall({
      provider: 'anthropic',
      connection,
      signal: request.signal,
      open: (signal) => client.messages.create(body, { signal, timeout: connection.timeoutMs, maxRetries: 0 }),
      schema: AnthropicStreamEventSchema,
      what: 'a Messages stream event',
      add: (event) => reader.add(event),
      complete: () => reader.stopped,
      billedSoFar: () => reader.reportedUsage() ?? { inputTokens, cachedInputTokens: 0, outputTokens: replyEstimate(reader.replyText, reader.toolCalls()) },
    });
    const toolCalls = reader.toolCalls();
    const { usage, usageCheck } = checkUsage(reader.reportedUsage(), { inputTokens, outputTokens: replyEstimate(reader.replyText, toolCalls) });
    return { text: reader.replyText, toolCalls, usage, usageCheck, latencyMs: Math.round(performance.now() - start), finishReason: anthropicFinishReason(reader.stopReason) };
  }

  private makeClient(connection: ModelConnection): Anthropic {
    // Without a key of its own the SDK would look for credentials elsewhere (ANTHROPIC_AUTH_TOKEN,
    // profiles on disk): a squad file names its key or has none.
    if (connection.apiKey === undefined) throw new ModelCallError(`model "${this.o.name}" needs apiKeyEnv: the variable that holds its Anthropic key`, false);
    return new Anthropic({
      apiKey: connection.apiKey,
      authToken: null,
      // Explicit, so ANTHROPIC_BASE_URL in the environment cannot redirect the key elsewhere.
      baseURL: connection.baseUrl ?? ANTHROPIC_BASE_URL,
      webhookKey: null,
      defaultHeaders: connection.headers,
      maxRetries: 0,
      timeout: connection.timeoutMs,
      logLevel: 'off',
      ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
    });
  }
}

/** The Messages API's `stop_reason` in our terms. */
function anthropicFinishReason(reason: string | null): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
      return 'length';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}
