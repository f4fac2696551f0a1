import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent, RunEventOf } from '../../protocol/runEvent';
import { runSquadText } from '../runner/testing/runSquadText';
import { openAiFinishReply } from './testing/openAiFinishReply';
import { ScriptedHttpServer, sse, type SseEvent } from './testing/scriptedHttpServer';

/**
 * Spend against a real provider client that bills more than the call reserved: OpenAI reasoning
 * tokens beyond max_completion_tokens, and an Anthropic-compatible server that ignores max_tokens.
 * The wire formats are the providers' own; the client, engine and budget guardrail are the real ones.
 */
let dir: string;
let server: ScriptedHttpServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-spend-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => (server = await ScriptedHttpServer.start()));
afterEach(() => server.close());

const KEY = 'sk-test-0123456789abcdef0123456789abcdef';

/** A squad file may read only the variables its `env:` list names: each test squad names its key. */
async function run(name: string, keyEnv: string, model: string): Promise<RunEvent[]> {
  const text = `version: 1
name: ${name}
task: { entry: analyst, input: Summarize the file. }
env: [${keyEnv}]
models:
  main: ${model}
guardrails: { budgetUsd: 0.05 }
agents:
  analyst: { role: worker, model: main }
`;
  const { outcome, events } = await runSquadText(text, name, dir, () => KEY);
  expect(outcome.status).toBe('halted');
  return events;
}

const of = <T extends RunEvent['type']>(events: RunEvent[], type: T) => events.filter((e): e is RunEventOf<T> => e.type === type);

function anthropicReply(outputTokens: number): SseEvent[] {
  const ev = (data: Record<string, unknown>): SseEvent => ({ event: String(data.type), data });
  return [
    ev({
      type: 'message_start',
      message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 300, output_tokens: 1 } },
    }),
    ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'A very long answer. '.repeat(50) } }),
    ev({ type: 'content_block_stop', index: 0 }),
    ev({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } }),
    ev({ type: 'message_stop' }),
  ];
}

describe('spend checked after every response, against providers that bill past the reservation', () => {
  it('OpenAI reasoning tokens past max_completion_tokens: the run halts on that response, naming it, and makes no further call', async () => {
    server.reply(sse(openAiFinishReply(40_000, 39_900)));
    const events = await run('reasoning', 'OPENAI_API_KEY', `{ provider: openai, model: o4-mini, baseUrl: "${server.url}/v1", apiKeyEnv: OPENAI_API_KEY, maxOutputTokens: 1000 }`);
    expect(server.requests).toHaveLength(1);
    const [response] = of(events, 'model.response');
    expect(response).toMatchObject({ finishReason: 'tool_calls', usage: { outputTokens: 40_000 } });
    const trips = of(events, 'guardrail.tripped');
    expect(trips.map((t) => [t.kind, t.action])).toEqual([['budget', 'halt']]);
    expect(trips[0]!.message).toMatch(
      new RegExp(
        `^analyst's call to o4-mini \\(${response!.spanId.replace(/[/]/g, '\\/')}, event ${response!.seq}\\) cost \\$0\\.17\\d\\d, reserved \\$0\\.00\\d\\d: spend \\$0\\.17\\d\\d passed the budget of \\$0\\.05$`,
      ),
    );
    expect(trips[0]!.evidence).toMatchObject({ callSeq: response!.seq, outputTokens: 40_000, maxOutputTokens: 1000, budgetUsd: 0.05 });
    // The finish the over-billed reply carried is not acted on.
    expect(of(events, 'run.completed')[0]).toMatchObject({ status: 'halted' });
  });

  it('a server that ignores max_tokens is caught the same way, and its finish reason is journaled', async () => {
    server.reply(sse(anthropicReply(20_000)));
    const events = await run(
      'ignores-max-tokens',
      'ANTHROPIC_API_KEY',
      `{ provider: anthropic, model: claude-sonnet-5, baseUrl: "${server.url}", apiKeyEnv: ANTHROPIC_API_KEY, maxOutputTokens: 500 }`,
    );
    const [response] = of(events, 'model.response');
    expect(response).toMatchObject({ finishReason: 'stop', usage: { outputTokens: 20_000 } });
    const trips = of(events, 'guardrail.tripped');
    expect(trips.map((t) => [t.kind, t.action])).toEqual([['budget', 'halt']]);
    expect(trips[0]!.evidence).toMatchObject({ callSeq: response!.seq, maxOutputTokens: 500, outputTokens: 20_000 });
  });

  it('warns once when a reply bills more output than maxOutputTokens but spend is still within the budget', async () => {
    server.reply(sse(openAiFinishReply(1500, 1400)));
    server.reply(sse(openAiFinishReply(1500, 1400)));
    const text = `{ provider: openai, model: o4-mini, baseUrl: "${server.url}/v1", apiKeyEnv: OPENAI_API_KEY, maxOutputTokens: 1000 }`;
    const { outcome, events } = await runSquadText(
      `version: 1\nname: warn\ntask: { entry: a, input: go }\nenv: [OPENAI_API_KEY]\nmodels:\n  main: ${text}\nagents:\n  a: { role: worker, model: main }\n`,
      'warn',
      dir,
      () => KEY,
    );
    expect(outcome.status).toBe('completed');
    const trips = of(events, 'guardrail.tripped');
    expect(trips.map((t) => [t.kind, t.action])).toEqual([['budget', 'warn']]);
    expect(trips[0]!.message).toMatch(/billed 1500 output tokens for a maxOutputTokens of 1000/);
  });
});
