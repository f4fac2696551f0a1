import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../protocol/squadFile';
import { OpenAiChatProvider } from './openAiChatProvider';
import { hang, json, reset, ScriptedHttpServer, sse, sseThen, type SseEvent } from './testing/scriptedHttpServer';
import { abortMidStream, modelCallFailure } from './testing/modelCallFailure';
import { modelRequest } from './testing/modelRequest';

const KEY = 'sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const secrets = (name: string) => (name === 'OPENAI_API_KEY' ? KEY : undefined);

/** The chunks OpenAI streams for a reply with text, a hand-off and an MCP tool call, then usage. */
function toolCallStream(): SseEvent[] {
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1760000000, model: 'gpt-4.1-2025-04-14', system_fingerprint: 'fp_1' };
  const delta = (d: unknown, finish: string | null = null) => ({ data: { ...base, choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }], usage: null } });
  return [
    delta({ role: 'assistant', content: '', refusal: null }),
    delta({ content: 'Splitting ' }),
    delta({ content: 'the work.' }),
    delta({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'handoff', arguments: '' } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: '{"to":"financ' } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: 'ials","content":"FY2025"}' } }] }),
    delta({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'bureau_report', arguments: '{"company":' } }] }),
    delta({ tool_calls: [{ index: 1, function: { arguments: '"ACME"}' } }] }),
    delta({}, 'tool_calls'),
    {
      data: {
        ...base,
        choices: [],
        usage: {
          prompt_tokens: 2048,
          completion_tokens: 42,
          total_tokens: 2090,
          prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
    },
    { data: '[DONE]' },
  ];
}

describe('OpenAiChatProvider against a local Chat Completions server', () => {
  let server: ScriptedHttpServer;
  beforeEach(async () => (server = await ScriptedHttpServer.start()));
  afterEach(() => server.close());

  const provider = (over: Partial<ModelConfig> = {}, flavor: 'openai' | 'openai-compatible' = 'openai') =>
    new OpenAiChatProvider({
      name: 'main',
      config: { provider: flavor, model: 'gpt-4.1', baseUrl: `${server.url}/v1`, apiKeyEnv: 'OPENAI_API_KEY', ...over },
      flavor,
      secrets,
    });

  it('streams text and tool-call deltas into one reply, with the usage chunk as the billing truth', async () => {
    server.reply(sse(toolCallStream()));
    const history = modelRequest({
      messages: [
        { role: 'system', content: 'You are the planner.' },
        { role: 'user', content: 'Prepare the memo.' },
        { role: 'assistant', content: 'x', reply: { text: '', toolCalls: [{ id: 'c1', name: 'bureau.report', args: { company: 'ACME' } }] } },
        { role: 'tool', toolCallId: 'c1', content: 'rating BBB' },
      ],
    });
    const response = await provider().complete(history);

    expect(response.text).toBe('Splitting the work.');
    expect(response.toolCalls).toEqual([
      { name: 'handoff', args: { to: 'financials', content: 'FY2025' } },
      { name: 'bureau.report', args: { company: 'ACME' } },
    ]);
    expect(response.usage).toEqual({ inputTokens: 2048, cachedInputTokens: 1920, outputTokens: 42 });
    expect(response.usageCheck?.source).toBe('provider');
    // Our estimate of this small prompt is far below 2,048: flagged.
    expect(response.usageCheck?.disagrees).toBe(true);

    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(request?.body).toMatchObject({
      model: 'gpt-4.1',
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 1024,
      messages: [
        { role: 'system', content: 'You are the planner.' },
        { role: 'user', content: 'Prepare the memo.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bureau_report', arguments: '{"company":"ACME"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'rating BBB' },
      ],
      tools: [
        { type: 'function', function: { name: 'handoff', parameters: { type: 'object', required: ['to', 'content'] } } },
        { type: 'function', function: { name: 'bureau_report', description: 'A credit report.' } },
      ],
    });
    expect(JSON.stringify(request?.body)).not.toContain('$schema');
  });

  it('honours 429 retry-after as retryable, and an exhausted quota as not', async () => {
    server.reply(
      json(429, { error: { message: 'Rate limit reached for gpt-4.1 on tokens per min (TPM)', type: 'tokens', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '2' }),
      json(429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }),
    );
    const limited = await modelCallFailure(provider().complete(modelRequest()), KEY);
    expect(limited.retryable).toBe(true);
    expect(limited.retryAfterMs).toBe(2000);
    expect(limited.message).toBe('openai: HTTP 429 rate_limit_exceeded: Rate limit reached for gpt-4.1 on tokens per min (TPM)');
    expect(limited.usage).toBeNull();
    const quota = await modelCallFailure(provider().complete(modelRequest()), KEY);
    expect(quota.retryable).toBe(false);
  });

  it('retries 5xx, not 4xx, and never repeats a key the server echoes', async () => {
    server.reply(
      json(503, { error: { message: 'The server is overloaded', type: 'server_error', param: null, code: null } }),
      json(401, { error: { message: `Incorrect API key provided: ${KEY.slice(0, 16)}****${KEY.slice(-8)}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }),
      json(400, { error: { message: "Invalid 'messages[2]'", type: 'invalid_request_error', param: 'messages', code: null } }),
    );
    expect((await modelCallFailure(provider().complete(modelRequest()), KEY)).retryable).toBe(true);
    const auth = await modelCallFailure(provider().complete(modelRequest()), KEY);
    expect(auth.retryable).toBe(false);
    expect(auth.message).toContain('invalid_api_key');
    expect((await modelCallFailure(provider().complete(modelRequest()), KEY)).retryable).toBe(false);
  });

  it('treats a reset connection, before or during the stream, as retryable; a cut stream keeps its partial usage', async () => {
    server.reply(reset, sseThen(toolCallStream().slice(0, 3), 'reset'));
    const before = await modelCallFailure(provider().complete(modelRequest()), KEY);
    expect(before.retryable).toBe(true);
    expect(before.usage).toBeNull();
    const during = await modelCallFailure(provider().complete(modelRequest()), KEY);
    expect(during.retryable).toBe(true);
    expect(during.usage?.inputTokens).toBeGreaterThan(0);
    expect(during.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('times out a server that never answers, and a stream that stalls', async () => {
    server.reply(hang, sseThen(toolCallStream().slice(0, 2), 'hang'));
    const silent = await modelCallFailure(provider({ timeoutMs: 150 }).complete(modelRequest()), KEY);
    expect(silent.retryable).toBe(true);
    expect(silent.message).toBe('openai: the request timed out before the response started');
    const stalled = await modelCallFailure(provider({ idleTimeoutMs: 150 }).complete(modelRequest()), KEY);
    expect(stalled.retryable).toBe(true);
    expect(stalled.message).toBe('openai: the response stalled: no data for 150 ms');
  });

  it('stops a streaming call the run aborts, and reports what it had used', async () => {
    const run = new AbortController();
    server.reply(abortMidStream(toolCallStream().slice(0, 3), run, "budget: the tenant's daily budget is spent"));
    const aborted = await modelCallFailure(provider().complete(modelRequest({ signal: run.signal })), KEY);
    expect(aborted.retryable).toBe(false);
    expect(aborted.message).toContain('call aborted');
    expect(aborted.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('rejects a chunk that is not a Chat Completions chunk, and a stream that ends mid-reply', async () => {
    server.reply(sse([{ data: { choices: [{ index: 0, delta: { content: 42 } }] } }]), sse(toolCallStream().slice(0, 3)));
    const malformed = await modelCallFailure(provider().complete(modelRequest()), KEY);
    expect(malformed.retryable).toBe(false);
    expect(malformed.message).toContain('not a Chat Completions chunk');
    const cut = await modelCallFailure(provider().complete(modelRequest()), KEY);
    expect(cut.retryable).toBe(true);
  });

  it('speaks to an OpenAI-compatible server: max_tokens, no ambient key, our estimate when it reports no usage', async () => {
    const ollama = (d: unknown, finish: string | null = null) => ({
      data: { id: 'chatcmpl-7', object: 'chat.completion.chunk', model: 'llama3.1', choices: [{ index: 0, delta: d, finish_reason: finish }] },
    });
    server.reply(
      sse([
        ollama({ role: 'assistant', content: 'On it.' }),
        // Ollama sends each tool call whole, without an index.
        ollama({ tool_calls: [{ id: 'call_x', function: { name: 'finish', arguments: '{"result":"memo"}' } }] }),
        ollama({}, 'stop'),
        { data: '[DONE]' },
      ]),
    );
    const local = new OpenAiChatProvider({
      name: 'local',
      config: { provider: 'openai-compatible', model: 'llama3.1', baseUrl: `${server.url}/v1` },
      flavor: 'openai-compatible',
      // The environment has an OpenAI key: it must not go to this server.
      secrets: (name) => (name === 'OPENAI_API_KEY' ? KEY : undefined),
    });
    const response = await local.complete(modelRequest({ model: { provider: 'openai-compatible', model: 'llama3.1' } }));
    expect(response.text).toBe('On it.');
    expect(response.toolCalls).toEqual([{ name: 'finish', args: { result: 'memo' } }]);
    expect(response.usageCheck?.source).toBe('estimate');
    expect(response.usage.inputTokens).toBe(response.usageCheck?.inputTokensEstimate);
    const [request] = server.requests;
    expect(request?.body).toMatchObject({ max_tokens: 1024 });
    expect(request?.body).not.toHaveProperty('max_completion_tokens');
    expect(request?.headers['authorization']).not.toContain(KEY);
  });

  it('does nothing until called, then fails without a request when the key is not set', async () => {
    const unset = new OpenAiChatProvider({
      name: 'main',
      config: { provider: 'openai', model: 'gpt-4.1', baseUrl: `${server.url}/v1`, apiKeyEnv: 'MISSING_KEY' },
      flavor: 'openai',
      secrets: () => undefined,
    });
    const error = await modelCallFailure(unset.complete(modelRequest()), KEY);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('openai: model "main": the environment variable MISSING_KEY is not set');
    expect(server.requests).toEqual([]);
  });
});
