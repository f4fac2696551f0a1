import type { RunEvent, RunEventDraft } from '../../protocol/runEvent';
import type { AgentActor } from './agentActor';
import type { AgentRoster } from './agentRoster';
import type { RunView } from './guardrails/guardrail';
import type { GuardrailGate } from './guardrailGate';
import type { JournalEmitter } from './journalEmitter';
import type { Mailboxes } from './mailboxes';
import type { ModelCallPipeline } from './modelCallPipeline';
import type { RunEnd } from './runEnd';
import type { RunOptions } from './runSquad';
import type { Scheduler } from './scheduler';
import type { ScriptJoins } from './scriptJoins';
import type { ToolCallPipeline } from './toolCallPipeline';
import type { Work } from './work';

/**
 * One running squad as its parts see each other: what the guardrails may read (`RunView`) plus the
 * parts themselves. Built by `runSquad`, the composition root; each part holds it and nothing else.
 */
export interface RunContext extends RunView {
  readonly options: RunOptions;
  readonly scheduler: Scheduler<Work>;
  readonly emitter: JournalEmitter;
  readonly gate: GuardrailGate;
  readonly roster: AgentRoster;
  readonly mail: Mailboxes;
  readonly joins: ScriptJoins;
  readonly actor: AgentActor;
  readonly models: ModelCallPipeline;
  readonly tools: ToolCallPipeline;
  /** Aborted when the run is cancelled or ends, so calls still in flight stop too. */
  readonly callSignal: AbortSignal;
  reservedUsd: number;
  /** True once the run's end is decided: nothing more is journaled, called or scheduled. */
  readonly ended: boolean;
  /** Decides the run's end (the first decision stands). */
  end(end: RunEnd): void;
  emit(draft: RunEventDraft): RunEvent;
}
