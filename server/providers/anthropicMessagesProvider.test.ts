import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../protocol/squadFile';
import { AnthropicMessagesProvider } from './anthropicMessagesProvider';
import { json, reset, ScriptedHttpServer, sse, sseThen, type SseEvent } from './testing/scriptedHttpServer';
import { abortMidStream, modelCallFailure } from './testing/modelCallFailure';
import { modelRequest } from './testing/modelRequest';

const KEY = 'sk-ant-api03-test-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d';
const secrets = (name: string) => (name === 'ANTHROPIC_API_KEY' ? KEY : undefined);
const ev = (data: { type: string } & Record<string, unknown>): SseEvent => ({ event: data.type, data });

/** A Messages stream as the API sends it: text, then two tool_use blocks with input_json_delta, usage in start and delta. */
function toolUseStream(): SseEvent[] {
  return [
    ev({
      type: 'message_start',
      message: {
        id: 'msg_01',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-5-5-20260928',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 180, cache_creation_input_tokens: 0, cache_read_input_tokens: 1900, output_tokens: 1 },
      },
    }),
    ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ev({ type: 'ping' }),
    ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Splitting ' } }),
    ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'the work.' } }),
    ev({ type: 'content_block_stop', index: 0 }),
    ev({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01', name: 'handoff', input: {} } }),
    ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
    ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"to": "financials", ' } }),
    ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"content": "FY2025"}' } }),
    ev({ type: 'content_block_stop', index: 1 }),
    ev({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_02', name: 'bureau_report', input: {} } }),
    ev({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"company": "ACME"}' } }),
    ev({ type: 'content_block_stop', index: 2 }),
    ev({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 87 } }),
    ev({ type: 'message_stop' }),
  ];
}

describe('AnthropicMessagesProvider against a local Messages server', () => {
  let server: ScriptedHttpServer;
  beforeEach(async () => (server = await ScriptedHttpServer.start()));
  afterEach(() => server.close());

  const provider = (over: Partial<ModelConfig> = {}) =>
    new AnthropicMessagesProvider({
      name: 'claude',
      config: { provider: 'anthropic', model: 'claude-sonnet-5-5', baseUrl: server.url, apiKeyEnv: 'ANTHROPIC_API_KEY', ...over },
      secrets,
    });
  const request = (signal?: AbortSignal) =>
    modelRequest({
      model: { provider: 'anthropic', model: 'claude-sonnet-5-5' },
      messages: [
        { role: 'system', content: 'You are the planner.' },
        { role: 'user', content: 'Prepare the memo.' },
        {
          role: 'assistant',
          content: 'x',
          reply: {
            text: 'Looking it up.',
            toolCalls: [
              { id: 'c1', name: 'bureau.report', args: { company: 'ACME' } },
              { id: 'c2', name: 'handoff', args: { to: 'risk', content: 'go' } },
            ],
          },
        },
        { role: 'tool', toolCallId: 'c1', content: 'rating BBB' },
        { role: 'user', content: '[result from risk] low' },
      ],
      ...(signal ? { signal } : {}),
    });

  it('streams text and input_json_delta tool calls; cache reads count as cached input', async () => {
    server.reply(sse(toolUseStream()));
    const response = await provider().complete(request());
    expect(response.text).toBe('Splitting the work.');
    expect(response.toolCalls).toEqual([
      { name: 'handoff', args: { to: 'financials', content: 'FY2025' } },
      { name: 'bureau.report', args: { company: 'ACME' } },
    ]);
    expect(response.usage).toEqual({ inputTokens: 2080, cachedInputTokens: 1900, outputTokens: 87 });
    expect(response.usageCheck?.source).toBe('provider');

    const [sent] = server.requests;
    expect(sent?.path).toBe('/v1/messages');
    expect(sent?.headers['authorization'] ?? sent?.headers['x-api-key']).toContain(KEY);
    expect(sent?.body).toMatchObject({
      model: 'claude-sonnet-5-5',
      max_tokens: 1024,
      stream: true,
      system: [{ type: 'text', text: 'You are the planner.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Prepare the memo.' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Looking it up.' },
            { type: 'tool_use', id: 'c1', name: 'bureau_report', input: { company: 'ACME' } },
            { type: 'tool_use', id: 'c2', name: 'handoff', input: { to: 'risk', content: 'go' } },
          ],
        },
        {
          // Results first, every call answered (the hand-off had none), then the new message, cached up to here.
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'c1', content: 'rating BBB' },
            { type: 'tool_result', tool_use_id: 'c2', content: 'accepted' },
            { type: 'text', text: '[result from risk] low', cache_control: { type: 'ephemeral' } },
          ],
        },
      ],
      tools: [{ name: 'handoff' }, { name: 'bureau_report', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
    });
  });

  it('sends no cache breakpoints when prompt caching is off', async () => {
    server.reply(sse(toolUseStream()));
    await provider({ promptCaching: false }).complete(request());
    expect(JSON.stringify(server.requests[0]?.body)).not.toContain('cache_control');
  });

  it('maps error bodies: 429 with retry-after and 529 overloaded are retryable, 400 is not', async () => {
    const error = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_01' });
    server.reply(
      json(429, error('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), { 'retry-after': '7' }),
      json(529, error('overloaded_error', 'Overloaded')),
      json(400, error('invalid_request_error', 'messages: roles must alternate')),
    );
    const limited = await modelCallFailure(provider().complete(request()), KEY);
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(limited.message).toBe('anthropic: HTTP 429 rate_limit_error: Number of request tokens has exceeded your per-minute rate limit');
    expect(await modelCallFailure(provider().complete(request()), KEY)).toMatchObject({ retryable: true });
    expect(await modelCallFailure(provider().complete(request()), KEY)).toMatchObject({ retryable: false });
  });

  it('treats an error event inside the stream by its type, and keeps the prompt usage message_start reported', async () => {
    server.reply(sse([...toolUseStream().slice(0, 4), { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }]));
    const overloaded = await modelCallFailure(provider().complete(request()), KEY);
    expect(overloaded.retryable).toBe(true);
    expect(overloaded.message).toContain('overloaded_error');
    expect(overloaded.usage).toEqual({ inputTokens: 2080, cachedInputTokens: 1900, outputTokens: 1 });
  });

  it('retries a reset connection and a stream cut short', async () => {
    server.reply(reset, sseThen(toolUseStream().slice(0, 5), 'reset'), sse(toolUseStream().slice(0, 5)));
    expect(await modelCallFailure(provider().complete(request()), KEY)).toMatchObject({ retryable: true, usage: null });
    const cut = await modelCallFailure(provider().complete(request()), KEY);
    expect(cut.retryable).toBe(true);
    expect(cut.usage?.inputTokens).toBe(2080);
    expect(await modelCallFailure(provider().complete(request()), KEY)).toMatchObject({ retryable: true });
  });

  it('rejects an event that breaks the documented shape', async () => {
    server.reply(sse([ev({ type: 'message_start', message: { usage: { input_tokens: 'many' } } })]));
    const bad = await modelCallFailure(provider().complete(request()), KEY);
    expect(bad.retryable).toBe(false);
    expect(bad.message).toContain('not a Messages stream event');
  });

  it('stops when the run aborts mid-stream and reports the prompt as billed', async () => {
    const run = new AbortController();
    server.reply(abortMidStream(toolUseStream().slice(0, 5), run, 'the run was halted'));
    const aborted = await modelCallFailure(provider().complete(request(run.signal)), KEY);
    expect(aborted.retryable).toBe(false);
    expect(aborted.message).toBe('anthropic: call aborted: the run was halted');
    expect(aborted.usage?.inputTokens).toBeGreaterThan(0);
  });
});
