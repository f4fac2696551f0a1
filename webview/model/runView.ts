import { applyEvent, emptyRunAccount, type GuardrailRecord, type RunAccount } from '../../protocol/runAccount';
import type { RunEvent, RunEventOf } from '../../protocol/runEvent';
import type { GuardrailAction } from '../../protocol/squadFile';
import { definitionOf } from './agentInstances';
import { tripEdges } from './tripEdges';

/** One row of the timeline: a message, a model call, a tool call, a guardrail trip, a wait. */
export interface TimelineRow {
  seq: number;
  /** Virtual ms the row starts at, and how long it lasted (0 for instants; grows when the end arrives). */
  t: number;
  durationMs: number;
  agent: string | null;
  kind: 'message' | 'model' | 'tool' | 'guardrail' | 'failover' | 'wait' | 'run';
  label: string;
  /** Tokens (messages, model calls) or bytes (tools) for the row's figure column. */
  figure: string;
  ok: boolean;
  /** The event's seq that holds the full payload (the end event for calls). */
  detailSeq: number;
}

export interface EdgeTraffic {
  from: string;
  to: string;
  messages: number;
  tokens: number;
}

export interface PendingWait {
  on: string[];
  reason: 'answer' | 'join';
  question: string | null;
  since: number;
}

export interface DeadlockView {
  seq: number;
  /** The agents of the cycle in order, first repeated last (`a → b → c → a`). */
  cycle: string[];
  message: string;
  action: GuardrailAction;
}

/** A trip as the panels show it: the account's record without its evidence, and the edges it is about (`from>to`). */
export type GuardrailView = Omit<GuardrailRecord, 'evidence'> & { edges: string[] };

/**
 * What the dashboard shows of a run, as a fold over its journal (the same events live and in
 * replay, so a replay at seq N shows exactly what the live view showed at N). Accounting reuses the
 * protocol's fold, so the figures are the CLI's. Mutated in place: live runs apply thousands of
 * events per frame, and replay refolds from the start when the scrubber moves back.
 */
export interface RunView {
  account: RunAccount;
  source: string | null;
  squadPath: string | null;
  entry: string | null;
  /** Agents in a turn now, with the seq their turn started at. */
  active: Map<string, number>;
  waiting: Map<string, PendingWait>;
  /** Traffic between declared agents: messages of every instance of a replicated agent count on its edge. */
  edges: Map<string, EdgeTraffic>;
  deadlock: DeadlockView | null;
  guardrails: GuardrailView[];
  timeline: TimelineRow[];
  /** Row index of an open model call (by span) and tool call (by call id), until its end arrives. */
  open: Map<string, number>;
  questions: Map<string, string>;
  /** Cost over virtual time, one point per priced model response, for the cost chart. */
  costPoints: { t: number; costUsd: number }[];
  /** Every event applied, by seq - 1 (gap-free journals), for the detail panel. */
  events: RunEvent[];
  lastSeq: number;
  ended: boolean;
}

export function emptyRunView(): RunView {
  return {
    account: emptyRunAccount(),
    source: null,
    squadPath: null,
    entry: null,
    active: new Map(),
    waiting: new Map(),
    edges: new Map(),
    deadlock: null,
    guardrails: [],
    timeline: [],
    open: new Map(),
    questions: new Map(),
    costPoints: [],
    events: [],
    lastSeq: 0,
    ended: false,
  };
}

export const edgeKey = (from: string, to: string): string => `${from}>${to}`;

/** Applies one event; events at or below `lastSeq` (a repeat after a reconnect) are ignored. */
export function applyRunEvent(view: RunView, e: RunEvent): RunView {
  if (e.seq <= view.lastSeq) return view;
  view.lastSeq = e.seq;
  view.events.push(e);
  applyEvent(view.account, e);
  const row = (r: Omit<TimelineRow, 'seq' | 't' | 'agent' | 'detailSeq'> & { t?: number }): number => view.timeline.push({ seq: e.seq, t: e.t, agent: e.agent, detailSeq: e.seq, ...r }) - 1;
  switch (e.type) {
    case 'run.started':
      view.source = e.squad.source;
      view.squadPath = e.squad.path;
      view.entry = e.entry;
      row({ kind: 'run', label: `run started: ${e.squad.name} (${e.profile}, seed ${e.seed}, tenant ${e.tenant})`, figure: '', durationMs: 0, ok: true });
      break;
    case 'agent.turn.started':
      if (e.agent) view.active.set(e.agent, e.seq);
      if (e.agent) view.waiting.delete(e.agent);
      break;
    case 'agent.turn.completed':
      if (e.agent) view.active.delete(e.agent);
      break;
    case 'message.sent': {
      if (e.from !== null) {
        const from = definitionOf(e.from);
        const to = definitionOf(e.to);
        const key = edgeKey(from, to);
        const traffic = view.edges.get(key) ?? { from, to, messages: 0, tokens: 0 };
        traffic.messages += 1;
        traffic.tokens += e.tokens;
        view.edges.set(key, traffic);
      }
      if (e.kind === 'question') view.questions.set(e.messageId, e.content);
      row({ kind: 'message', label: `${e.from ?? 'user'} → ${e.to} ${e.kind}: ${firstLine(e.content)}`, figure: `${e.tokens} tok`, durationMs: 0, ok: e.marks.length === 0 });
      break;
    }
    case 'agent.waiting':
      if (e.agent) {
        const question = e.questionId ? (view.questions.get(e.questionId) ?? null) : null;
        view.waiting.set(e.agent, { on: e.on, reason: e.reason, question, since: e.t });
        row({ kind: 'wait', label: `waits on ${e.on.join(', ')}${question ? `: ${firstLine(question)}` : ` (${e.reason})`}`, figure: '', durationMs: 0, ok: true });
      }
      break;
    case 'agent.wait.met': {
      // The journal names the arrival, not the shrunk list: the list is the last wait less what met it.
      const wait = e.agent ? view.waiting.get(e.agent) : undefined;
      if (wait) {
        const met = new Set(e.met);
        wait.on = wait.on.filter((name) => !met.has(name));
      }
      row({ kind: 'wait', label: `${e.from} arrived: waits on ${e.missing} more`, figure: '', durationMs: 0, ok: true });
      break;
    }
    case 'model.request':
      view.open.set(`model:${e.spanId}`, row({ kind: 'model', label: `${e.model} (${e.messages} messages)`, figure: `~${e.inputTokensEstimate} tok`, durationMs: 0, ok: true }));
      break;
    case 'model.response':
    case 'model.failed': {
      const index = view.open.get(`model:${e.spanId}`);
      view.open.delete(`model:${e.spanId}`);
      const r = index === undefined ? undefined : view.timeline[index];
      if (r) endCall(r, e);
      if (e.type === 'model.response' && e.costUsd > 0) view.costPoints.push({ t: e.t, costUsd: view.account.totals.costUsd });
      break;
    }
    case 'tool.call':
      view.open.set(`tool:${e.callId}`, row({ kind: 'tool', label: `${e.tool}(${argsText(e.args)})`, figure: '', durationMs: 0, ok: true }));
      break;
    case 'tool.result': {
      const index = view.open.get(`tool:${e.callId}`);
      view.open.delete(`tool:${e.callId}`);
      const r = index === undefined ? undefined : view.timeline[index];
      if (r) {
        r.durationMs = e.latencyMs;
        r.ok = e.ok;
        r.figure = `${e.bytes} B`;
        r.detailSeq = e.seq;
        if (!e.ok) r.label += ` ✗ ${e.error ?? 'error'}`;
      }
      break;
    }
    case 'guardrail.tripped': {
      view.guardrails.push({ seq: e.seq, t: e.t, kind: e.kind, agent: e.agent, action: e.action, message: e.message, edges: tripEdges(e.evidence) });
      const cycle = e.kind === 'deadlock' ? cycleOf(e.evidence) : null;
      if (cycle) view.deadlock = { seq: e.seq, cycle, message: e.message, action: e.action };
      row({ kind: 'guardrail', label: `${e.kind} (${e.action}): ${e.message}`, figure: '', durationMs: 0, ok: false });
      break;
    }
    case 'agent.failover':
      row({
        kind: 'failover',
        label: `${e.from} ${e.cause} → work moved to ${e.to} (${e.messageIds.length} message${e.messageIds.length === 1 ? '' : 's'}; ${e.from} out until ${(e.downUntil / 1000).toFixed(1)} s): ${firstLine(e.reason)}`,
        figure: `${e.messageIds.length} moved`,
        durationMs: 0,
        ok: false,
      });
      break;
    case 'run.completed':
      view.ended = true;
      view.active.clear();
      row({ kind: 'run', label: `run ${e.status}${e.reason ? `: ${e.reason}` : ''}`, figure: '', durationMs: 0, ok: e.status === 'completed' });
      break;
    default:
      break;
  }
  return view;
}

export function foldRunView(events: readonly RunEvent[], uptoSeq = Infinity): RunView {
  const view = emptyRunView();
  for (const e of events) {
    if (e.seq > uptoSeq) break;
    applyRunEvent(view, e);
  }
  return view;
}

function endCall(r: TimelineRow, e: RunEventOf<'model.response'> | RunEventOf<'model.failed'>): void {
  r.durationMs = e.latencyMs;
  r.detailSeq = e.seq;
  if (e.type === 'model.failed') {
    r.ok = false;
    r.label += e.stuck ? ` ✗ stuck (no answer in ${(e.latencyMs / 1000).toFixed(1)} s)` : ` ✗ ${e.error}`;
    return;
  }
  r.figure = `${e.usage.inputTokens}→${e.usage.outputTokens} tok · $${e.costUsd.toFixed(4)}`;
  // Calls start at the request: the response's `t` is when it ended.
  r.t = Math.max(0, e.t - e.latencyMs);
}

/** The deadlock trip's evidence names the cycle as a list of agents; anything else is ignored. */
function cycleOf(evidence: Record<string, unknown>): string[] | null {
  const cycle = evidence.cycle;
  if (!Array.isArray(cycle)) return null;
  const names = cycle.filter((a): a is string => typeof a === 'string');
  return names.length >= 2 ? names : null;
}

function firstLine(text: string): string {
  const line = text.trimStart().split('\n', 1)[0] ?? '';
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

function argsText(args: Record<string, unknown>): string {
  const text = Object.entries(args)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
