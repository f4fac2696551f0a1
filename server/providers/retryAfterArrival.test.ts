import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent, RunEventOf } from '../../protocol/runEvent';
import { runSquadText } from '../runner/testing/runSquadText';
import { ScriptedHttpServer, sse, type Reply } from './testing/scriptedHttpServer';

/**
 * Issue 14 item 7: a 429's `retry-after` is counted from when the refusal arrived, not from the
 * request's start. A real HTTP server on 127.0.0.1 speaks the Chat Completions wire format and holds
 * its refusal back before answering (a provider's queueing); the real OpenAI client, engine and run
 * clock (the system clock: real models) do the rest.
 */
let dir: string;
let server: ScriptedHttpServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-retry-after-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => (server = await ScriptedHttpServer.start()));
afterEach(() => server.close());

const KEY = 'sk-test-0123456789abcdef0123456789abcdef';
/** How long the server holds the refusal: the latency the journal must show. */
const HELD_MS = 600;

const of = <T extends RunEvent['type']>(events: RunEvent[], type: T) => events.filter((e): e is RunEventOf<T> => e.type === type);

describe('retry-after on a real HTTP 429', () => {
  it("waits retry-after from the refusal's arrival, and journals the refusal's real latency", async () => {
    const arrivals: number[] = [];
    let refusedAt = 0;
    const refuse: Reply = (res) => {
      arrivals.push(performance.now());
      setTimeout(() => {
        refusedAt = performance.now();
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ error: { message: 'Rate limit reached for o4-mini on requests per min (RPM)', type: 'requests', param: null, code: 'rate_limit_exceeded' } }));
      }, HELD_MS);
    };
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1760000000, model: 'o4-mini-2025-04-16' };
    const chunk = (d: unknown, finish: string | null = null) => ({ data: { ...base, choices: [{ index: 0, delta: d, finish_reason: finish }], usage: null } });
    const accept = sse([
      chunk({ role: 'assistant', content: '' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'finish', arguments: '{"result":"done"}' } }] }),
      chunk({}, 'tool_calls'),
      { data: { ...base, choices: [], usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 } } },
      { data: '[DONE]' },
    ]);
    server.reply(refuse, (res, req) => {
      arrivals.push(performance.now());
      accept(res, req);
    });
    const text = `version: 1
name: retry-after
task: { entry: a, input: go }
env: [OPENAI_API_KEY]
models:
  main: { provider: openai, model: o4-mini, baseUrl: "${server.url}/v1", apiKeyEnv: OPENAI_API_KEY, maxOutputTokens: 100 }
guardrails: { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } }
agents:
  a: { role: worker, model: main }
`;
    const { outcome, events } = await runSquadText(text, 'retry-after', dir, () => KEY);
    expect(outcome.status).toBe('completed');
    // The client retried nothing by itself: one refusal, one retry by the engine.
    expect(server.requests).toHaveLength(2);
    const [failed] = of(events, 'model.failed');
    // The journal has the refusal's real latency (it was 0 when counted from the request's start).
    expect(failed!.latencyMs).toBeGreaterThanOrEqual(HELD_MS - 5);
    // Backoff is 10-20 ms here: retry-after (1 s) decides the wait.
    expect(failed!.retryInMs).toBe(1000);
    // Counted from the refusal's arrival: the retry reached the server at least 1 s after the 429 left it.
    expect(arrivals[1]! - refusedAt).toBeGreaterThanOrEqual(1000 - 5);
    // On the run clock too: the retry's request is 1 s after the failure, which is HELD_MS after the first request.
    const [first, second] = of(events, 'model.request');
    expect(failed!.t - first!.t).toBeGreaterThanOrEqual(HELD_MS - 5);
    expect(second!.t - failed!.t).toBeGreaterThanOrEqual(1000);
  });
});
