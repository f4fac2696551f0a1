import { describe, expect, it } from 'vitest';
import type { ChatMessage, ModelRequest } from '../engine/modelProvider';
import { seededRandom } from '../engine/randomSource';
import { loadPricingTable, resolveModel } from '../engine/resolvedModel';
import { resolveProfile } from '../engine/runProfile';
import { countChat, countText } from '../engine/tokenCounter';
import { squadFrom } from '../engine/testSquad';
import { SimulatedProvider } from './simulatedProvider';

const squad = squadFrom(`
version: 1
name: t
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini, latency: { ttftMs: 200, tokensPerSecond: 100 } } }
agents:
  a:
    role: worker
    model: m
    handoffs: [b]
    script:
      - say: hello there
        handoff: { to: b, content: do it }
        repeat: 2
      - waitFor: [b]
        finish: done
  b: { role: worker, model: m, script: [] }
`);
const model = resolveModel('m', squad.models.m!, loadPricingTable());

function request(agent: string, messages: ChatMessage[]): ModelRequest {
  return { agent, turn: 1, call: 1, model, messages, tools: [], maxOutputTokens: 256, signal: new AbortController().signal };
}

describe('SimulatedProvider', () => {
  it('plays the script step by step, honouring repeat', async () => {
    const p = new SimulatedProvider(squad, resolveProfile(squad, 'local'), seededRandom(1));
    const msgs: ChatMessage[] = [{ role: 'system', content: 'You are a.' }];
    const first = await p.complete(request('a', msgs));
    expect(first.text).toBe('hello there');
    expect(first.toolCalls).toEqual([{ name: 'handoff', args: { to: 'b', content: 'do it' } }]);
    await p.complete(request('a', msgs));
    expect((await p.complete(request('a', msgs))).toolCalls).toEqual([{ name: 'finish', args: { result: 'done' } }]);
    await expect(p.complete(request('a', msgs))).rejects.toThrow("a's script has 2 steps and all are used");
    await expect(p.complete(request('b', msgs))).rejects.toThrow("b's script has 0 steps");
  });

  it('reports usage on the real text and latency from ttft and output speed', async () => {
    const p = new SimulatedProvider(squad, resolveProfile(squad, 'local'), seededRandom(1));
    const msgs: ChatMessage[] = [
      { role: 'system', content: 'You are a.' },
      { role: 'user', content: 'Analyse the borrower.' },
    ];
    const r = await p.complete(request('a', msgs));
    expect(r.usage.inputTokens).toBe(countChat(msgs));
    expect(r.usage.outputTokens).toBe(countText('hello there') + countText(JSON.stringify(r.toolCalls)));
    expect(r.usage.cachedInputTokens).toBe(0);
    expect(r.latencyMs).toBe(Math.round(200 + (r.usage.outputTokens / 100) * 1000));
  });

  it('caches a repeated prompt prefix of 1,024 tokens or more, in 128-token blocks, as OpenAI does', async () => {
    const p = new SimulatedProvider(squad, resolveProfile(squad, 'local'), seededRandom(1));
    const long = 'The borrower operates 212 tractors across the Pacific Northwest. '.repeat(120);
    const msgs: ChatMessage[] = [
      { role: 'system', content: long },
      { role: 'user', content: 'first question' },
    ];
    const first = await p.complete(request('a', msgs));
    expect(first.usage.cachedInputTokens).toBe(0);
    msgs.push({ role: 'assistant', content: 'an answer' }, { role: 'user', content: 'second question' });
    const second = await p.complete(request('a', msgs));
    const prefix = countChat(msgs.slice(0, 2)) - 3; // the reply-priming tokens are not part of the prefix
    expect(prefix).toBeGreaterThan(1024);
    expect(second.usage.cachedInputTokens).toBe(Math.floor(prefix / 128) * 128);
    expect(second.usage.cachedInputTokens).toBeLessThan(second.usage.inputTokens);
  });

  it('jitters latency under the production profile, the same way for the same seed', async () => {
    const draw = async (seed: number): Promise<number[]> => {
      const p = new SimulatedProvider(squad, resolveProfile(squad, 'production'), seededRandom(seed));
      const msgs: ChatMessage[] = [{ role: 'user', content: 'x' }];
      return [(await p.complete(request('a', msgs))).latencyMs, (await p.complete(request('a', msgs))).latencyMs];
    };
    const a = await draw(5);
    expect(await draw(5)).toEqual(a);
    expect(await draw(6)).not.toEqual(a);
    // Two identical calls differ only by jitter.
    expect(a[0]).not.toBe(a[1]);
  });
});
