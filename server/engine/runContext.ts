import type { SquadRun } from './runSquad';

/**
 * One running squad as its parts see each other: what the guardrails may read (`RunView`) plus the
 * parts themselves (scheduler, emitter, gate, roster, mailboxes, joins, actor, model and tool
 * pipelines), the call signal, the spend reserved, and the run's end (`ended`, `end`, `emit`).
 * Derived from `SquadRun`, the composition root in runSquad.ts, so the two cannot drift apart: each
 * part holds this and nothing else, and only the root may `run` it.
 */
export type RunContext = Omit<SquadRun, 'run'>;
