import type { GuardrailKind, RunEvent } from '../../../protocol/runEvent';
import type { GuardrailAction } from '../../../protocol/squadFile';
import type { RunAccount } from '../accounting';
import type { RunProfile } from '../runProfile';

/** Why an agent cannot go on: the wait-for edges deadlock detection looks at. */
export interface AgentWait {
  reason: 'answer' | 'join';
  on: readonly string[];
  questionId: string | null;
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
 * null; the engine records every trip as a `guardrail.tripped` event and then carries out its action.
 */
export interface Guardrail {
  readonly name: string;
  beforeTurn?(agent: string, view: RunView): Trip | null;
  beforeModelCall?(agent: string, view: RunView): Trip | null;
  afterEvent?(event: RunEvent, view: RunView): Trip | null;
  onWait?(agent: string, view: RunView): Trip | null;
  /** Nothing is scheduled and the run has not finished. */
  onQuiescent?(view: RunView): Trip | null;
}
