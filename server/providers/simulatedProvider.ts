import type { ScriptStep, SquadFile } from '../../protocol/squadFile';
import type { ModelProvider, ModelRequest, ModelResponse, RequestedToolCall } from '../engine/modelProvider';
import { ModelCallError } from '../engine/modelCallError';
import { normal, type RandomSource } from '../engine/randomSource';
import type { RunProfile } from '../engine/runProfile';
import { decode, encode } from '../tokenizer/o200k';
import { countMessage, countText, TOKENS_PER_REPLY } from '../engine/tokenCounter';

/** Thrown when an agent is called more often than its script has steps for. */
export class ScriptExhaustedError extends Error {}

/** OpenAI's automatic prompt caching: prompts of 1,024 tokens or more, cached in 128-token blocks. */
const CACHE_MIN_TOKENS = 1024;
const CACHE_BLOCK_TOKENS = 128;

interface Cursor {
  step: number;
  used: number;
}

/**
 * A model that plays each agent's script, step by step, and reports usage, prompt caching and
 * latency the way a real provider would: input tokens counted on the real prompt (messages and tool
 * definitions), output tokens on the real reply, latency from the model's time to first token and
 * output speed, scaled and jittered by the profile. Deterministic given its random source.
 *
 * Stateful per run: create one per run.
 */
export class SimulatedProvider implements ModelProvider {
  private readonly cursors = new Map<string, Cursor>();
  /** How many messages of each agent's last prompt a provider-side cache would hold. */
  private readonly cachedPrefix = new Map<string, number>();
  private readonly toolTokens = new Map<string, number>();
  /**
   * The tokens of each script step's tool calls as JSON: a step answered many times (`repeat`) is
   * serialized and looked up once, not on every call.
   */
  private readonly stepCallTokens = new WeakMap<ScriptStep, number>();

  constructor(
    private readonly squad: SquadFile,
    private readonly profile: RunProfile,
    private readonly random: RandomSource,
  ) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    // Instances of a replicated agent share its script: whichever instance takes the work gets the
    // next step, as a shared model would answer it. Each keeps its own provider-side cache.
    const step = this.take(request.definition ?? request.agent);
    if (step.fail !== undefined) throw new ModelCallError(step.fail, true);
    const calls = toolCallsOf(step);
    const reply = fitReply(step.say ?? '', calls, this.callTokensOf(step, calls), request.maxOutputTokens);
    const { text, toolCalls, outputTokens } = reply;
    const toolTokens = this.toolDefinitionTokens(request);
    let promptTokens = TOKENS_PER_REPLY + toolTokens;
    let prefixTokens = toolTokens;
    const prefix = this.cachedPrefix.get(request.agent) ?? 0;
    for (const [i, m] of request.messages.entries()) {
      const n = countMessage(m);
      promptTokens += n;
      if (i < prefix) prefixTokens += n;
    }
    this.cachedPrefix.set(request.agent, request.messages.length);
    const cached = prefix > 0 && prefixTokens >= CACHE_MIN_TOKENS ? Math.floor(prefixTokens / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS : 0;
    return {
      text,
      toolCalls,
      usage: { inputTokens: promptTokens, cachedInputTokens: Math.min(cached, promptTokens), outputTokens },
      latencyMs: this.latency(request, outputTokens) + (step.delayMs ?? 0),
      // Only the cut-off is said: a reply that ended by itself journals as it always has.
      ...(reply.cut ? { finishReason: 'length' as const } : {}),
    };
  }

  skip(request: ModelRequest): void {
    // The same cursor step and random draw as `complete`, so the calls after a recorded prefix get
    // the answers and latencies an uninterrupted run would have given them.
    const step = this.take(request.definition ?? request.agent);
    if (step.fail !== undefined) return;
    const calls = toolCallsOf(step);
    const { outputTokens } = fitReply(step.say ?? '', calls, this.callTokensOf(step, calls), request.maxOutputTokens);
    this.cachedPrefix.set(request.agent, request.messages.length);
    this.latency(request, outputTokens);
  }

  private latency(request: ModelRequest, outputTokens: number): number {
    const { ttftMs, tokensPerSecond } = request.model.latency;
    const base = ttftMs + (outputTokens / tokensPerSecond) * 1000;
    const sigma = this.profile.modelLatencyJitter;
    // Lognormal with median 1: most calls near the declared latency, a long tail of slow ones.
    const jitter = sigma > 0 ? Math.exp(sigma * normal(this.random)) : 1;
    return Math.round(base * this.profile.modelLatencyScale * jitter);
  }

  private toolDefinitionTokens(request: ModelRequest): number {
    let n = this.toolTokens.get(request.agent);
    if (n === undefined) {
      n = request.tools.length === 0 ? 0 : countText(JSON.stringify(request.tools));
      this.toolTokens.set(request.agent, n);
    }
    return n;
  }

  private callTokensOf(step: ScriptStep, calls: RequestedToolCall[]): number {
    let n = this.stepCallTokens.get(step);
    if (n === undefined) {
      n = calls.length > 0 ? countText(JSON.stringify(calls)) : 0;
      this.stepCallTokens.set(step, n);
    }
    return n;
  }

  private take(agent: string): ScriptStep {
    const script = this.squad.agents[agent]?.script ?? [];
    let cursor = this.cursors.get(agent);
    if (!cursor) this.cursors.set(agent, (cursor = { step: 0, used: 0 }));
    const step = script[cursor.step];
    if (!step) {
      throw new ScriptExhaustedError(`${agent}'s script has ${script.length} step${script.length === 1 ? '' : 's'} and all are used; add a step (or "repeat") for what it should do next`);
    }
    cursor.used += 1;
    if (step.repeat !== 'forever' && cursor.used >= step.repeat) {
      cursor.step += 1;
      cursor.used = 0;
    }
    return step;
  }
}

/**
 * A reply as a real model gives it under `max_tokens`: text first, then tool calls; one that would be
 * longer stops at the limit, billed for exactly the limit, its text cut at a token boundary and the
 * tool call it was writing (and every one after) lost, since half a call's JSON is no call.
 * `callTokens` is the count of all of `calls` as JSON. (countText memoizes: a step answered many
 * times is tokenized once.)
 */
function fitReply(say: string, calls: RequestedToolCall[], callTokens: number, maxOutputTokens: number): { text: string; toolCalls: RequestedToolCall[]; outputTokens: number; cut: boolean } {
  const textTokens = countText(say);
  if (textTokens + callTokens <= maxOutputTokens) return { text: say, toolCalls: calls, outputTokens: textTokens + callTokens, cut: false };
  const text = textTokens <= maxOutputTokens ? say : decode(encode(say).slice(0, maxOutputTokens));
  const kept: RequestedToolCall[] = [];
  if (textTokens < maxOutputTokens) {
    for (const call of calls) {
      if (textTokens + countText(JSON.stringify([...kept, call])) > maxOutputTokens) break;
      kept.push(call);
    }
  }
  return { text, toolCalls: kept, outputTokens: maxOutputTokens, cut: true };
}

/** A step's actions as the tool calls a real model would return, in the documented order. */
function toolCallsOf(step: ScriptStep): RequestedToolCall[] {
  const calls: RequestedToolCall[] = [];
  for (const t of list(step.tool)) calls.push({ name: t.name, args: t.args });
  for (const h of list(step.handoff)) calls.push({ name: 'handoff', args: { to: h.to, content: h.content } });
  if (step.ask) calls.push({ name: 'ask', args: { agent: step.ask.agent, question: step.ask.question } });
  if (step.answer !== undefined) calls.push({ name: 'answer', args: { content: step.answer } });
  if (step.finish !== undefined) calls.push({ name: 'finish', args: { result: step.finish } });
  return calls;
}

function list<T>(x: T | T[] | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}
