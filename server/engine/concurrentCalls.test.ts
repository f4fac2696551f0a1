import { createHash } from 'node:crypto';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/runEvent';
import { SquadFileSchema } from '../../protocol/squadFile';
import { replayRun } from '../replay/reRun';
import { createModelProvider } from '../runner/createModelProvider';
import { createToolHost } from '../runner/createToolHost';
import { runRandoms } from '../runner/runRandoms';
import { MemoryJournalWriter } from '../store/memoryJournalWriter';
import { SystemClock } from './clock';
import { resolveProfile } from './runProfile';
import { runSquad } from './runSquad';
import { ChatCompletionsServer, type WireReply } from './testing/chatCompletionsServer';

/**
 * Calls are started, not awaited: on the system clock, a planner that hands off to three workers in
 * one reply has the three workers' requests in flight together, against the real OpenAI-compatible
 * provider over real HTTP and against a real MCP server over stdio. What is asserted is what the
 * fake servers saw (arrival and answer times, their overlap) and what the journal says (its run
 * time against the sum of its calls), not wall-clock durations. Replaying the journal gives the
 * same events and makes no call.
 */
const WORKERS = ['w1', 'w2', 'w3'];
const SLOW_MCP = join(__dirname, 'testing/slowMcpServer.mjs');

let wire: ChatCompletionsServer | null = null;
afterEach(async () => {
  await wire?.close();
  wire = null;
});

function squadText(baseUrl: string, tools: boolean): string {
  return `version: 1
name: fan-out
task: { entry: planner, input: Price the three loans. }
models:
  wire: { provider: openai-compatible, model: fake-model, baseUrl: "${baseUrl}", price: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 } }
agents:
  planner: { role: planner, model: wire, handoffs: [${WORKERS.join(', ')}] }
${WORKERS.map((w) => `  ${w}: { role: worker, model: wire${tools ? ', tools: ["slow.lookup"]' : ''} }`).join('\n')}
${tools ? `toolServers:\n  slow: { command: node, args: ["${SLOW_MCP}"], timeoutMs: 10000 }\n` : ''}`;
}

/** The planner hands off to every worker at once and finishes on the first result; workers look up (or not) and finish. */
function answer(tools: boolean) {
  return (agent: string, _request: unknown, body: { messages: { role: string; content: unknown }[] }): WireReply => {
    const said = (needle: string): boolean => body.messages.some((m) => typeof m.content === 'string' && m.content.includes(needle));
    if (agent === 'planner') {
      if (said('[result from')) return { toolCalls: [{ name: 'finish', args: { result: 'All three priced.' } }] };
      return { text: 'Splitting.', toolCalls: WORKERS.map((w) => ({ name: 'handoff', args: { to: w, content: `Price loan ${w}.` } })) };
    }
    if (tools && !body.messages.some((m) => m.role === 'tool')) return { toolCalls: [{ name: 'slow_lookup', args: { key: agent } }] };
    return { toolCalls: [{ name: 'finish', args: { result: `${agent}: priced at 6.1%.` } }] };
  };
}

async function realRun(text: string): Promise<{ events: RunEvent[]; status: string }> {
  const squad = SquadFileSchema.parse(YAML.parse(text));
  const profile = resolveProfile(squad, 'local');
  const randoms = runRandoms(1);
  const journal = new MemoryJournalWriter();
  const signal = new AbortController().signal;
  const tools = await createToolHost(squad, { profile: profile.name, random: randoms.tools, signal, squadPath: join(__dirname, 'fan-out.squad.yaml'), timing: 'real' });
  try {
    const outcome = await runSquad({
      runId: 'fan-out',
      squad,
      source: { path: 'fan-out.squad.yaml', text, sha256: createHash('sha256').update(text).digest('hex') },
      profile,
      seed: 1,
      tenant: 'default',
      ports: { model: createModelProvider(squad, profile, randoms.model), tools, journal, clock: new SystemClock(), random: randoms.engine },
      signal,
    });
    return { events: journal.events, status: outcome.status };
  } finally {
    await tools.close();
  }
}

describe('calls in flight together on the system clock', () => {
  it('sends the three workers’ model requests together, and the run is three calls deep, not five', async () => {
    wire = await ChatCompletionsServer.start(400, answer(false));
    const run = await realRun(squadText(wire.baseUrl, false));
    expect(run.status).toBe('completed');

    const workers = wire.requests.filter((r) => WORKERS.includes(r.agent));
    expect(workers.map((r) => r.agent).sort()).toEqual(WORKERS);
    // All three were asked before any of them was answered: in flight together. (How close together
    // they arrive is a matter of the machine's load, so it is not asserted; one after another would
    // put 400 ms of answer between them.)
    const arrivals = workers.map((r) => Math.round(r.arrivedAt - wire!.requests[0]!.arrivedAt));
    expect(Math.max(...workers.map((r) => r.arrivedAt)), `arrivals ${arrivals.join(', ')} ms`).toBeLessThan(Math.min(...workers.map((r) => r.answeredAt!)));

    // The journal agrees: the responses' latencies sum to five calls, the run took about three.
    const responses = run.events.filter((e) => e.type === 'model.response');
    expect(responses).toHaveLength(5);
    const sum = responses.reduce((s, e) => s + e.latencyMs, 0);
    const end = run.events.at(-1)!;
    expect(end.type).toBe('run.completed');
    expect(end.t).toBeLessThan(sum * 0.8);
    expect(end.t).toBeGreaterThanOrEqual(3 * 400);
    // Each worker's response is journaled at its request's time plus the latency it records.
    for (const w of WORKERS) {
      const request = run.events.find((e) => e.type === 'model.request' && e.agent === w)!;
      const response = responses.find((e) => e.agent === w)!;
      expect(response.t - request.t).toBe(response.latencyMs);
    }

    const asked = wire.requests.length;
    const replay = await replayRun({ events: run.events, signal: new AbortController().signal });
    expect(replay.divergence).toBeNull();
    expect(replay.events).toBe(run.events.length);
    expect(wire.requests.length).toBe(asked);
  });

  it('calls a slow MCP tool for three workers at once, and replays without calling it', async () => {
    wire = await ChatCompletionsServer.start(20, answer(true));
    const run = await realRun(squadText(wire.baseUrl, true));
    expect(run.status).toBe('completed');

    const results = run.events.flatMap((e) => (e.type === 'tool.result' ? [e] : []));
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    const seen = results.map((r) => z3(r.content));
    expect(seen.map((s) => s.key).sort()).toEqual(WORKERS);
    // The server had all three calls in hand before it answered the first.
    expect(Math.max(...seen.map((s) => s.arrivedAt))).toBeLessThan(Math.min(...seen.map((s) => s.answeredAt)));
    const toolMs = results.reduce((s, r) => s + r.latencyMs, 0);
    const toolStart = Math.min(...run.events.filter((e) => e.type === 'tool.call').map((e) => e.t));
    const toolEnd = Math.max(...results.map((r) => r.t));
    expect(toolEnd - toolStart).toBeLessThan(toolMs * 0.6);

    const asked = wire.requests.length;
    const replay = await replayRun({ events: run.events, signal: new AbortController().signal });
    expect(replay.divergence).toBeNull();
    expect(wire.requests.length).toBe(asked);
  });
});

function z3(content: string): { key: string; arrivedAt: number; answeredAt: number } {
  const parsed: unknown = JSON.parse(content);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`not a lookup answer: ${content}`);
  const { key, arrivedAt, answeredAt } = parsed as Record<string, unknown>;
  if (typeof key !== 'string' || typeof arrivedAt !== 'number' || typeof answeredAt !== 'number') throw new Error(`not a lookup answer: ${content}`);
  return { key, arrivedAt, answeredAt };
}
