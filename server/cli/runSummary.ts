import type { Mark } from '../../protocol/runEvent';
import type { JournalLimitRecord, MarkedMessage, RunAccount } from '../engine/accounting';
import type { RunOutcome } from '../engine/runSquad';
import { summarizeTool, type ServerTally, type ToolSummary } from '../engine/toolStats';

/** What `squad run --json` prints: one object, stable field names, a fold of the journal. */
export interface RunSummary {
  runId: string;
  status: RunOutcome['status'];
  result: string | null;
  reason: string | null;
  journal: string;
  profile: string;
  seed: number;
  tenant: string;
  usage: { inputTokens: number; cachedInputTokens: number; outputTokens: number; costUsd: number };
  agents: Record<string, { turns: number; inputTokens: number; cachedInputTokens: number; outputTokens: number; costUsd: number; toolCalls: number; modelMs: number; toolMs: number }>;
  guardrails: { kind: string; agent: string | null; action: string; message: string; evidence: Record<string, unknown> }[];
  /** What the result rests on that went wrong (degraded or tainted data), and every message that carried marks. */
  marks: Mark[];
  marked: MarkedMessage[];
  /** The context cache and the resilience policies at work. */
  cache: { hits: number; misses: number; tokensSaved: number };
  retries: number;
  throttledMs: number;
  compactions: number;
  /** Agents whose model has no price in the pricing table: their cost is unknown and counted as 0. */
  unpricedAgents: string[];
  /** Per MCP tool ("server.tool"): calls, errors by kind, retries, failovers, p50/p99/max latency. */
  tools: Record<string, ToolSummary>;
  /** Per tool server: replicas that went down and came back up. */
  toolServers: Record<string, ServerTally>;
  /** The journal's size limits the run reached (10,000 events, 10 MiB): a warning, the run went on. */
  journalLimits: JournalLimitRecord[];
  /** Instances of replicated agents that crashed or were stuck, and where their work went. */
  failovers: RunAccount['failovers'];
  events: number;
  virtualMs: number;
  wallMs: number;
}

export function runSummary(outcome: RunOutcome, context: { journal: string; profile: string; seed: number; tenant: string; wallMs: number }): RunSummary {
  const a: RunAccount = outcome.account;
  return {
    runId: outcome.runId,
    status: outcome.status,
    result: outcome.result,
    reason: outcome.reason,
    journal: context.journal,
    profile: context.profile,
    seed: context.seed,
    tenant: context.tenant,
    usage: {
      inputTokens: a.totals.inputTokens,
      cachedInputTokens: a.totals.cachedInputTokens,
      outputTokens: a.totals.outputTokens,
      costUsd: round(a.totals.costUsd),
    },
    agents: Object.fromEntries(
      Object.entries(a.agents).map(([name, x]) => [
        name,
        {
          turns: x.turns,
          inputTokens: x.inputTokens,
          cachedInputTokens: x.cachedInputTokens,
          outputTokens: x.outputTokens,
          costUsd: round(x.costUsd),
          toolCalls: x.toolCalls,
          modelMs: x.modelMs,
          toolMs: x.toolMs,
        },
      ]),
    ),
    guardrails: a.guardrails.map((g) => ({ kind: g.kind, agent: g.agent, action: g.action, message: g.message, evidence: g.evidence })),
    marks: outcome.marks,
    marked: a.marked,
    cache: { hits: a.totals.cacheHits, misses: a.totals.cacheMisses, tokensSaved: a.totals.tokensSaved },
    retries: a.totals.retries,
    throttledMs: a.totals.throttledMs,
    compactions: a.totals.compactions,
    unpricedAgents: a.unpricedAgents,
    tools: Object.fromEntries(Object.entries(a.tools.tools).map(([tool, t]) => [tool, summarizeTool(t)])),
    toolServers: a.tools.servers,
    journalLimits: a.journalLimits,
    failovers: a.failovers,
    events: a.events,
    virtualMs: a.virtualMs,
    wallMs: Math.round(context.wallMs),
  };
}

/** Costs are sums of many small floats; 10 decimal places hide the float noise, not the money. */
function round(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}
