import type { AgentRuntime } from './agentRuntime';
import { sha, isRecord, turnOf, type McpCall } from './agentActor';
import { messageOf as reasonOf } from '../../protocol/messageOf';
import type { RunContext } from './runContext';
import type { Settled } from './scheduler';
import { countText } from './tokenCounter';
import type { ToolCallOutcome } from './toolHost';
import { ToolResultCache, toolCachePolicy, type CacheTicket, type ToolCachePolicy } from './toolResultCache';
import type { Work } from './work';

/**
 * The tool-call pipeline, as small steps: the gates before a call (a tool server's open circuit),
 * the run control's checkpoint, `tool.call`, the context cache (a read-only tool's answer served
 * again), then the call itself, started and not awaited: its outcome comes back as a `toolDone`
 * work item, journaled with what the server's pool went through meanwhile. When a turn's last tool
 * call is back the turn goes on: its closing action, its fallback, or another model call.
 */
export class ToolCallPipeline {
  /** Tool answers, per run: read-only tools only, dropped on writes, with a TTL (see toolResultCache.ts). */
  private readonly cache: ToolResultCache;

  constructor(private readonly run: RunContext) {
    this.cache = new ToolResultCache(run.profile.guardrails.tokenExplosion.cacheTtlMs);
  }

  async callTool(agent: AgentRuntime, call: McpCall, turnSpan: string): Promise<void> {
    const { run } = this;
    const span = `${turnSpan}/tool-${call.id}`;
    const server = call.name.slice(0, call.name.indexOf('.'));
    const policy = this.policyOf(agent, call.name);
    const done = (outcome: ToolCallOutcome, cacheKey: CacheTicket | null): void =>
      run.scheduler.push(run.now + outcome.latencyMs, { kind: 'toolDone', agent: agent.name, callId: call.id, tool: call.name, outcome, cacheKey, writes: policy.writes });
    const gate = { agent: agent.name, tool: call.name, server };
    const blocked = (await run.gate.gate((g) => g.beforeToolCall?.(gate, run))) !== null;
    await run.gate.checkpoint({ kind: 'tool', agent: agent.name, turn: turnOf(agent).turn, tool: call.name, callId: call.id });
    if (run.ended) return;
    run.emit({ type: 'tool.call', t: run.now, agent: agent.name, spanId: span, parentSpanId: turnSpan, callId: call.id, tool: call.name, args: call.args });
    if (run.ended) return;
    if (blocked) {
      done({ ok: false, content: `refused: the circuit of tool server ${server} is open`, latencyMs: 0 }, null);
      return;
    }
    // A call that may write is always sent, and what was cached of its server is stale from now on.
    if (policy.writes) this.invalidate(agent, server, call.id, call.name, span, 'call');
    if (run.ended) return;

    const cacheKey = this.cacheKey(policy, call);
    const cached = cacheKey === null ? undefined : this.cache.get(cacheKey, run.now);
    if (cacheKey !== null && cached !== undefined) {
      const tokens = countText(cached.content);
      run.emit({
        type: 'cache.lookup',
        t: run.now,
        agent: agent.name,
        spanId: `${span}/cache`,
        parentSpanId: span,
        source: 'tool',
        key: cacheKey,
        hit: true,
        tokens,
        tokensSaved: tokens,
        ageMs: cached.ageMs,
      });
      done({ ok: true, content: cached.content, latencyMs: 0 }, null);
      return;
    }
    const ticket = cacheKey === null ? null : this.cache.begin(cacheKey, server);

    await run.scheduler.settled();
    if (run.ended) return;
    let answer: Promise<ToolCallOutcome>;
    try {
      answer = run.options.ports.tools.call({ tool: call.name, args: call.args, agent: agent.name, callId: `${run.options.runId}/${call.id}`, now: run.now, signal: run.callSignal });
    } catch (error) {
      answer = Promise.reject(error);
    }
    run.scheduler.start(answer, (outcome: Settled<ToolCallOutcome>, measured) => {
      const result: ToolCallOutcome = outcome.ok ? outcome.value : { ok: false, content: `tool host failed: ${reasonOf(outcome.error)}`, latencyMs: 0 };
      const latencyMs = measured ?? result.latencyMs;
      return { delayMs: latencyMs, item: { kind: 'toolDone', agent: agent.name, callId: call.id, tool: call.name, outcome: { ...result, latencyMs }, cacheKey: ticket, writes: policy.writes } };
    });
  }

  /** The squad file's `cache` setting for the tool's server, over the server's `readOnlyHint`. */
  private policyOf(agent: AgentRuntime, tool: string): ToolCachePolicy {
    const server = tool.slice(0, tool.indexOf('.'));
    const readOnly = agent.tools.find((t) => t.name === tool)?.cacheable === true;
    return toolCachePolicy(this.run.options.squad.toolServers[server]?.cache, tool.slice(server.length + 1), readOnly);
  }

  /** Cached tools are served from the content-addressed cache: the key is the call itself. */
  private cacheKey(policy: ToolCachePolicy, call: McpCall): string | null {
    const { guardrails } = this.run.profile;
    if (!guardrails.tokenExplosion.cache || guardrails.disabled.includes('token-explosion') || !policy.cached) return null;
    return `tool:${sha(`${call.name}\u0000${stableJson(call.args)}`)}`;
  }

  private invalidate(agent: AgentRuntime, server: string, callId: string, tool: string, span: string, when: 'call' | 'result'): void {
    const dropped = this.cache.invalidate(server);
    if (dropped > 0) {
      this.run.emit({ type: 'cache.invalidated', t: this.run.now, agent: agent.name, spanId: `${span}/invalidate-${when}`, parentSpanId: span, server, callId, tool, when, dropped });
    }
  }

  async toolDone(work: Extract<Work, { kind: 'toolDone' }>): Promise<void> {
    const { run } = this;
    const agent = run.roster.get(work.agent);
    const { callId, tool, outcome, cacheKey, writes } = work;
    const turn = turnOf(agent);
    const span = `${turn.span}/tool-${callId}`;
    // What the tool server's pool went through meanwhile, journaled now that the call is back (`t`);
    // `atMs` says when each happened.
    for (const i of outcome.incidents ?? []) {
      if (i.kind === 'failover') {
        const { kind: _, ...fields } = i;
        run.emit({ type: 'tool.failover', t: run.now, agent: agent.name, spanId: `${span}/attempt-${i.attempt}`, parentSpanId: span, callId, tool, ...fields });
      } else if (i.kind === 'replica.down') {
        const { kind: _, ...fields } = i;
        run.emit({ type: 'tool.replica.down', t: run.now, agent: null, spanId: `${i.replica}/down@${i.atMs}`, parentSpanId: null, ...fields });
      } else {
        const { kind: _, ...fields } = i;
        run.emit({ type: 'tool.replica.up', t: run.now, agent: null, spanId: `${i.replica}/up@${i.atMs}`, parentSpanId: null, ...fields });
      }
    }
    const result = run.emit({
      type: 'tool.result',
      t: run.now,
      agent: agent.name,
      spanId: span,
      parentSpanId: turn.span,
      callId,
      tool,
      ok: outcome.ok,
      content: outcome.content,
      bytes: Buffer.byteLength(outcome.content),
      latencyMs: outcome.latencyMs,
      ...(outcome.replica !== undefined ? { replica: outcome.replica } : {}),
      ...(outcome.attempts !== undefined ? { attempts: outcome.attempts } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    });
    if (run.ended) return;
    if (writes) this.invalidate(agent, tool.slice(0, tool.indexOf('.')), callId, tool, span, 'result');
    if (run.ended) return;
    if (outcome.ok && cacheKey !== null) {
      // A miss is journaled whether or not the answer could be stored (a write overlapped it).
      this.cache.complete(cacheKey, outcome.content, run.now);
      const tokens = countText(outcome.content);
      run.emit({ type: 'cache.lookup', t: run.now, agent: agent.name, spanId: `${span}/cache`, parentSpanId: span, source: 'tool', key: cacheKey.key, hit: false, tokens, tokensSaved: 0 });
    }
    agent.context.push({ role: 'tool', toolCallId: callId, content: outcome.ok ? outcome.content : `error: ${outcome.content}` });
    if (!outcome.ok) await run.actor.failed(agent, { what: 'tool call', seq: result.seq, reason: `${tool}: ${outcome.content}` });
    if (agent.turn !== turn || run.ended) return;
    turn.pendingTools -= 1;
    if (turn.pendingTools > 0) return;
    if (turn.fallback) return run.actor.settleFallback(agent);
    if (turn.deferred) {
      await run.actor.settle(agent, turn.deferred);
      return;
    }
    await run.models.callModel(agent);
  }
}

/** JSON with sorted keys: the same arguments in another order are the same call. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
