import type { GuardrailKind, Mark, MessageKind, RunEvent, RunEventType, RunStatus } from './runEvent';
import type { GuardrailAction } from './squadFile';
import { applyToolEvent, emptyToolStats, type ToolStats } from './toolStats';

export interface AgentAccount {
  turns: number;
  modelCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  costUsd: number;
  toolCalls: number;
  toolErrors: number;
  /** Virtual milliseconds spent waiting on the model and on tools. */
  modelMs: number;
  toolMs: number;
  messagesSent: number;
  messageTokensSent: number;
  /** Model calls that failed and were retried, and time spent queued behind rate limits. */
  retries: number;
  throttledMs: number;
  /** Contexts cut to fit the window (their summaries' cost is in `costUsd`). */
  compactions: number;
  cacheHits: number;
  cacheMisses: number;
  tokensSaved: number;
}

/** A message that carried marks: data built on something that went wrong. */
export interface MarkedMessage {
  seq: number;
  messageId: string;
  from: string | null;
  to: string;
  kind: MessageKind;
  marks: Mark[];
}

export interface GuardrailRecord {
  seq: number;
  t: number;
  kind: GuardrailKind;
  agent: string | null;
  action: GuardrailAction;
  message: string;
  evidence: Record<string, unknown>;
}

/** An instance of a replicated agent that crashed or was stuck, and where its work went. */
export interface FailoverRecord {
  seq: number;
  definition: string;
  from: string;
  to: string;
  cause: 'crashed' | 'stuck';
  reason: string;
  moved: number;
}

export interface RunAccount {
  runId: string | null;
  squad: string | null;
  tenant: string | null;
  profile: string | null;
  seed: number | null;
  status: RunStatus | 'running';
  result: string | null;
  reason: string | null;
  events: number;
  lastSeq: number;
  virtualMs: number;
  totals: AgentAccount;
  agents: Record<string, AgentAccount>;
  guardrails: GuardrailRecord[];
  /** Every message that passed marks on, and the marks the run's result rests on. */
  marked: MarkedMessage[];
  resultMarks: Mark[];
  /** Agents whose model has no known price: their cost is counted as 0 and flagged. */
  unpricedAgents: string[];
  /** Per tool: calls, errors, retries, failovers, latencies (see toolStats.ts). */
  tools: ToolStats;
  /** Instances of replicated agents whose work moved to a sibling, in order. */
  failovers: FailoverRecord[];
  /** The journal's size limits the run reached (`journal.limit`), in order. */
  journalLimits: JournalLimitRecord[];
}

export interface JournalLimitRecord {
  seq: number;
  limit: 'events' | 'bytes';
  threshold: number;
  events: number;
  bytes: number;
}

export function emptyAgentAccount(): AgentAccount {
  return {
    turns: 0,
    modelCalls: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    toolCalls: 0,
    toolErrors: 0,
    modelMs: 0,
    toolMs: 0,
    messagesSent: 0,
    messageTokensSent: 0,
    retries: 0,
    throttledMs: 0,
    compactions: 0,
    cacheHits: 0,
    cacheMisses: 0,
    tokensSaved: 0,
  };
}

/**
 * The events whose `costUsd` `applyEvent` adds to the totals: what a run cost is the sum of theirs.
 * Readers that sum a journal's cost without folding it (a tenant's spend at start-up) use this set.
 */
export const COSTED_EVENT_TYPES: ReadonlySet<RunEventType> = new Set<RunEventType>(['model.response', 'model.failed', 'context.compacted']);

export function emptyRunAccount(): RunAccount {
  return {
    runId: null,
    squad: null,
    tenant: null,
    profile: null,
    seed: null,
    status: 'running',
    result: null,
    reason: null,
    events: 0,
    lastSeq: 0,
    virtualMs: 0,
    totals: emptyAgentAccount(),
    agents: {},
    guardrails: [],
    marked: [],
    resultMarks: [],
    unpricedAgents: [],
    tools: emptyToolStats(),
    failovers: [],
    journalLimits: [],
  };
}

/**
 * Accounting is a fold over the journal: the same function serves the live engine (budget checks),
 * the CLI's table, and a saved journal read back later, so the figures can never disagree.
 * Mutates and returns `acc` (a fold over 100,000 events should not allocate 100,000 copies).
 */
export function applyEvent(acc: RunAccount, e: RunEvent): RunAccount {
  acc.events += 1;
  applyToolEvent(acc.tools, e);
  acc.lastSeq = e.seq;
  acc.virtualMs = Math.max(acc.virtualMs, e.t);
  const agent = e.agent === null ? null : (acc.agents[e.agent] ??= emptyAgentAccount());
  const both = (f: (a: AgentAccount) => void): void => {
    f(acc.totals);
    if (agent) f(agent);
  };
  switch (e.type) {
    case 'run.started':
      acc.runId = e.runId;
      acc.squad = e.squad.name;
      acc.tenant = e.tenant;
      acc.profile = e.profile;
      acc.seed = e.seed;
      break;
    case 'agent.turn.started':
      both((a) => (a.turns += 1));
      break;
    case 'model.response':
      both((a) => {
        a.modelCalls += 1;
        a.inputTokens += e.usage.inputTokens;
        a.cachedInputTokens += e.usage.cachedInputTokens;
        a.outputTokens += e.usage.outputTokens;
        a.costUsd += e.costUsd;
        a.modelMs += e.latencyMs;
      });
      if (!e.priced) markUnpriced(acc, e.agent);
      break;
    case 'model.failed':
      both((a) => {
        a.modelCalls += 1;
        a.modelMs += e.latencyMs;
        if (e.retryInMs !== null) a.retries += 1;
        // A call cut off midway is billed for what it used.
        if (e.usage) {
          a.inputTokens += e.usage.inputTokens;
          a.cachedInputTokens += e.usage.cachedInputTokens;
          a.outputTokens += e.usage.outputTokens;
        }
        a.costUsd += e.costUsd ?? 0;
      });
      break;
    case 'model.throttled':
      both((a) => (a.throttledMs += e.waitMs));
      break;
    case 'agent.failover':
      acc.failovers.push({ seq: e.seq, definition: e.definition, from: e.from, to: e.to, cause: e.cause, reason: e.reason, moved: e.messageIds.length });
      break;
    case 'context.compacted':
      both((a) => {
        a.compactions += 1;
        a.inputTokens += e.usage.inputTokens;
        a.outputTokens += e.usage.outputTokens;
        a.costUsd += e.costUsd;
      });
      break;
    case 'cache.lookup':
      both((a) => {
        if (e.hit) a.cacheHits += 1;
        else a.cacheMisses += 1;
        a.tokensSaved += e.tokensSaved;
      });
      break;
    case 'tool.call':
      both((a) => (a.toolCalls += 1));
      break;
    case 'tool.result':
      both((a) => {
        a.toolMs += e.latencyMs;
        if (!e.ok) a.toolErrors += 1;
      });
      break;
    case 'message.sent':
      if (e.marks.length > 0) {
        acc.marked.push({ seq: e.seq, messageId: e.messageId, from: e.from, to: e.to, kind: e.kind, marks: e.marks });
      }
      if (e.from !== null) {
        const sender = (acc.agents[e.from] ??= emptyAgentAccount());
        for (const a of [acc.totals, sender]) {
          a.messagesSent += 1;
          a.messageTokensSent += e.tokens;
        }
      }
      break;
    case 'guardrail.tripped':
      acc.guardrails.push({
        seq: e.seq,
        t: e.t,
        kind: e.kind,
        agent: e.agent,
        action: e.action,
        message: e.message,
        evidence: e.evidence,
      });
      break;
    case 'journal.limit':
      acc.journalLimits.push({ seq: e.seq, limit: e.limit, threshold: e.threshold, events: e.events, bytes: e.bytes });
      break;
    case 'run.completed':
      acc.status = e.status;
      acc.result = e.result;
      acc.reason = e.reason;
      acc.resultMarks = e.marks;
      break;
    default:
      break;
  }
  return acc;
}

function markUnpriced(acc: RunAccount, agent: string | null): void {
  const label = agent ?? '(run)';
  if (!acc.unpricedAgents.includes(label)) acc.unpricedAgents.push(label);
}

export function foldEvents(events: Iterable<RunEvent>): RunAccount {
  const acc = emptyRunAccount();
  for (const e of events) applyEvent(acc, e);
  return acc;
}
