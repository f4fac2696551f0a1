import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent, RunEventOf } from '../../protocol/runEvent';
import { runSquadText } from '../runner/testing/runSquadText';
import { openAiFinishReply } from './testing/openAiFinishReply';
import { ScriptedHttpServer, sse } from './testing/scriptedHttpServer';

/**
 * A budget cannot count the spend of a model with no price: the run says so as it starts, naming the
 * model, and goes on. The model is a real provider client (OpenAI-compatible) against the wire fake.
 */
let dir: string;
let server: ScriptedHttpServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-unpriced-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => (server = await ScriptedHttpServer.start()));
afterEach(() => server.close());

const KEY = 'sk-test-0123456789abcdef0123456789abcdef';
const of = <T extends RunEvent['type']>(events: RunEvent[], type: T) => events.filter((e): e is RunEventOf<T> => e.type === type);

async function run(name: string, model: string): Promise<RunEvent[]> {
  return (await runWith(name, model)).events;
}

async function runWith(name: string, model: string) {
  server.reply(sse(openAiFinishReply(20)));
  const text = `version: 1
name: unpriced
task: { entry: analyst, input: Summarize the file. }
env: [LOCAL_KEY]
models:
  local: { provider: openai-compatible, ${model}, baseUrl: "${server.url}/v1", apiKeyEnv: LOCAL_KEY }
guardrails: { budgetUsd: 0.05 }
agents:
  analyst: { role: worker, model: local }
`;
  const { outcome, events } = await runSquadText(text, name, dir, () => KEY);
  expect(outcome.status).toBe('completed');
  expect(server.requests).toHaveLength(1);
  return { events, outcome };
}

describe('a budget with a model it cannot price', () => {
  it('warns as the run starts, naming the model and its agents, and the run goes on', async () => {
    const { events, outcome } = await runWith('unpriced', 'model: llama3.1');
    // The account (what the CLI summary and the dashboard show) lists it like any trip.
    expect(outcome.account.guardrails.map((g) => [g.kind, g.action, g.agent])).toEqual([['budget', 'warn', null]]);
    const trips = of(events, 'guardrail.tripped');
    expect(trips.map((t) => [t.kind, t.action])).toEqual([['budget', 'warn']]);
    const [trip] = trips;
    // Journaled at the start: before the task is delivered or any model is called.
    expect(trip!.seq).toBeLessThan(Math.min(...events.filter((e) => e.type === 'message.sent' || e.type === 'model.request').map((e) => e.seq)));
    expect(trip!.message).toBe(
      'the budget of $0.05 cannot count the spend of model local (openai-compatible llama3.1, used by analyst): it has no price in the pricing table or the squad file, ' +
        'so its calls count as $0; give it a `price:` in the squad file',
    );
    expect(trip!.evidence).toEqual({ budgetUsd: 0.05, unpriced: [{ name: 'local', provider: 'openai-compatible', model: 'llama3.1', agents: ['analyst'] }] });
    expect(of(events, 'model.response')[0]).toMatchObject({ costUsd: 0 });
  });

  it('trips nothing when the squad file prices the model', async () => {
    const events = await run('file-priced', 'model: llama3.1, price: { inputPerMTok: 1, cachedInputPerMTok: 0.5, outputPerMTok: 2 }');
    expect(of(events, 'guardrail.tripped')).toEqual([]);
    expect(of(events, 'model.response')[0]!.costUsd).toBeGreaterThan(0);
  });

  it('trips nothing when the pricing table prices the model', async () => {
    const events = await run('table-priced', 'model: gpt-4.1-mini');
    expect(of(events, 'guardrail.tripped')).toEqual([]);
    expect(of(events, 'model.response')[0]!.costUsd).toBeGreaterThan(0);
  });
});
