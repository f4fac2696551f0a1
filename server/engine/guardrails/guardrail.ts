import type { GuardrailKind, MessageKind, RunEvent } from '../../../protocol/runEvent';
import type { GuardrailAction } from '../../../protocol/squadFile';
import type { RunAccount } from '../accounting';
import type { ResolvedModel } from '../resolvedModel';
import type { RunProfile } from '../runProfile';

/** Why an agent cannot go on: the wait-for edges deadlock detection looks at. */
export interface AgentWait {
  reason: 'answer' | 'join';
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
  onWait?(agent: string, view: RunView): Trip | null;
  /** Nothing is scheduled and the run has not finished. */
  onQuiescent?(view: RunView): Trip | null;
}
