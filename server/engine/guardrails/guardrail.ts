import type { GuardrailKind, MessageKind, RunEvent, Usage } from '../../../protocol/runEvent';
import type { GuardrailAction } from '../../../protocol/squadFile';
import type { RunAccount } from '../accounting';
import type { ChatMessage } from '../modelProvider';
import type { ModelInUse } from '../modelsInUse';
import type { ResolvedModel } from '../resolvedModel';
import type { RunProfile } from '../runProfile';

/** Why an agent cannot go on: the wait-for edges deadlock detection looks at. */
export interface AgentWait {
  reason: 'answer' | 'join';
  /** The agents (instances) it waits for a message from, in the order the journal lists them. */
  on: readonly string[];
  questionId: string | null;
  /** The pending question, for `answer` waits: the evidence a deadlock report shows. */
  question: string | null;
  /** When the wait began (run time), to find the youngest wait of a cycle. */
  since: number;
}

/** What a guardrail may look at: the live accounting fold and the run's waits, read-only. */
export interface RunView {
  readonly now: number;
  readonly profile: RunProfile;
  readonly account: RunAccount;
  readonly waits: ReadonlyMap<string, AgentWait>;
  /** The turn limit of one agent: its own `maxTurns`, else the profile's. */
  turnLimitOf(agent: string): number;
  /** Messages sent and not yet delivered: while any are in flight, a wait may still be answered. */
  readonly inFlight: number;
  /** Worst-case cost reserved by model calls that have started and not yet answered. */
  readonly reservedUsd: number;
  /**
   * Messages from `from` to `to` sent and not yet delivered (`answers`: only answers). A wait-for
   * edge `to` → `from` that such a message will meet is not blocked: any message meets a join, only
   * an answer meets an ask.
   */
  inTransit(from: string, to: string, only?: 'answers'): number;
  /** Every agent (instance) that is not idle with an empty mailbox, in declaration order. */
  busyAgents(): { agent: string; status: string; turns: number; mailbox: number }[];
}

/** The gated points, with what each guardrail needs to judge them. */
export interface TurnGate {
  agent: string;
  turn: number;
  /** The messages the turn takes in, as the agent will read them. */
  input: readonly { from: string | null; kind: MessageKind; content: string }[];
}

export interface ModelCallGate {
  agent: string;
  model: ResolvedModel;
  promptTokens: number;
  maxOutputTokens: number;
  /** Worst-case cost of this call: the whole prompt uncached plus `maxOutputTokens`. */
  reserveUsd: number;
}

export interface MessageGate {
  from: string;
  to: string;
  kind: MessageKind;
  tokens: number;
}

export interface ToolCallGate {
  agent: string;
  tool: string;
  server: string;
}

/** A model call about to be prepared: the how-many-th of its turn. */
export interface PromptGate {
  agent: string;
  turn: number;
  /** Model calls already made in this turn. */
  callsInTurn: number;
}

/** The context a model call would send, before it is fitted to the window. */
export interface PromptFitGate {
  agent: string;
  model: ResolvedModel;
  context: readonly ChatMessage[];
  /** Tokens of `context` (messages only). */
  contextTokens: number;
  /** Tokens the tool definitions add to every prompt. */
  toolTokens: number;
}

/** What the truncation policy decided for a prompt over the window. */
export type PromptFitting =
  | { kind: 'refused'; trip: Trip }
  | {
      kind: 'fitted';
      policy: 'flag' | 'summarize';
      kept: ChatMessage[];
      promptTokensAfter: number;
      droppedMessages: number;
      droppedTokens: number;
      summaryTokens: number;
      /** What summarizing cost (the dropped tokens in, the summary out); zero for `flag`. */
      usage: Usage;
      /** Messages cut in place (head and tail kept) rather than dropped, with the tokens cut. */
      cut: { index: number; droppedTokens: number }[];
      /** Set when what the agent builds from now on rests on less than it was given. */
      degraded: string | null;
      /** The warning, once the engine has journaled the compaction as event `compactedSeq`. */
      warn(compactedSeq: number): Trip;
    };

/** A model call that is about to start, for rate limits. */
export interface ModelAdmissionGate {
  agent: string;
  model: ResolvedModel;
  promptTokens: number;
}

export type ModelAdmission = { kind: 'wait'; waitMs: number; limit: 'requests' | 'tokens' } | { kind: 'refused'; trip: Trip };

/** A model call answered (journaled as `seq`), for spend and output checks. */
export interface ModelResponseGate {
  agent: string;
  model: ResolvedModel;
  usage: Usage;
  costUsd: number;
  seq: number;
}

/** Something an agent depended on failed. */
export interface FailureGate {
  agent: string;
  what: 'tool call' | 'hand-off' | 'model call';
  /** The event that records the failure. */
  seq: number;
  reason: string;
  /** Who is left waiting for this agent's work. */
  dependents: string[];
  /** The agent declares a fallback and has someone to return it to. */
  canFallBack: boolean;
}

/**
 * A tool server that did not start, as the run begins (journaled as `tool.server.failed`, event
 * `seq`): the root of a cascade whose dependants are the agents whose tools it held.
 */
export interface ToolServerDownGate {
  server: string;
  /** Why it did not start, with the tail of its stderr when it wrote one. */
  reason: string;
  seq: number;
  /** The agents whose tools it held (declared patterns or scripted calls), in declaration order. */
  agents: readonly string[];
}

/** The run as it begins (after `run.started` is journaled, before the task is sent). */
export interface RunStartGate {
  /** The models the agents use, resolved against the pricing table (`price: null`: unpriced). */
  models: readonly ModelInUse[];
}

/** What the cascade policy does about a failure: the trip to journal and how the agent goes on. */
export interface CascadeDecision {
  trip: Trip;
  outcome: 'halt' | 'fallback' | 'taint';
}

/** A wait-for edge was added: `agent` now waits as `wait` says. */
export interface WaitEdgeGate {
  agent: string;
  wait: AgentWait;
}

export interface Trip {
  kind: GuardrailKind;
  action: GuardrailAction;
  agent: string | null;
  message: string;
  evidence: Record<string, unknown>;
}

/**
 * A guardrail is a small policy that gates the engine at named points. Each hook returns a trip or
 * null; the engine records every trip as a `guardrail.tripped` event and carries out its action:
 * `warn` goes on, `block-edge` refuses the gated hand-off or call, `pause` holds the run, `halt` ends it.
 * Hooks are synchronous and pure but for the policy's own state: they must not throw.
 */
export interface Guardrail {
  readonly name: string;
  beforeTurn?(turn: TurnGate, view: RunView): Trip | null;
  beforeModelCall?(call: ModelCallGate, view: RunView): Trip | null;
  beforeMessage?(message: MessageGate, view: RunView): Trip | null;
  beforeToolCall?(call: ToolCallGate, view: RunView): Trip | null;
  afterEvent?(event: RunEvent, view: RunView): Trip | null;
  /**
   * The event types `afterEvent` looks at; the engine calls it for those only. Absent: every event.
   * A run emits several events per step and most guardrails care about two or three types, so this
   * keeps the guardrails' share of a step small (the bench holds it under 20%).
   */
  readonly watches?: readonly RunEvent['type'][];
  /**
   * A wait-for edge was added (an ask, a join that starts or waits for more). A `block-edge` trip
   * asks the engine to break the wait cycle (withdraw the youngest question of it).
   */
  onWaitEdge?(edge: WaitEdgeGate, view: RunView): Trip | null;
  /** Nothing is scheduled and the run has not finished. */
  onQuiescent?(view: RunView): Trip | null;
  /** Before each model call of a turn is prepared (the per-turn call cap). */
  beforePrompt?(prompt: PromptGate, view: RunView): Trip | null;
  /**
   * The prompt is over the model's window (context, tool definitions and the reserved output):
   * cut it, summarize it, or refuse. The first guardrail that answers decides.
   */
  fitPrompt?(prompt: PromptFitGate, view: RunView): PromptFitting | null;
  /** Rate limits: how long the call must wait before it may start, or why it may not. First answer decides. */
  admitModelCall?(call: ModelAdmissionGate, view: RunView): ModelAdmission | null;
  /** After each model response is journaled: spend, output size. */
  afterModelResponse?(response: ModelResponseGate, view: RunView): Trip | null;
  /** Something an agent depended on failed: the first answer decides what happens (else the agent goes on tainted). */
  onFailure?(failure: FailureGate, view: RunView): CascadeDecision | null;
  /** The run begins: a check of the squad as a whole (a `halt` trip ends the run before any work). */
  onRunStart?(start: RunStartGate, view: RunView): Trip | null;
  /** A tool server did not start: the run begins without it (a `halt` trip ends it there). */
  onToolServerDown?(down: ToolServerDownGate, view: RunView): Trip | null;
  /** The run's deadline passed with work still scheduled. */
  onDeadline?(deadlineMs: number, view: RunView): Trip | null;
}
