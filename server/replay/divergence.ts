import type { RunEvent } from '../../protocol/runEvent';

/** The first event where a re-run's decisions differ from the journal's. */
export interface Divergence {
  seq: number;
  expected: RunEvent | null;
  actual: RunEvent | null;
  /** The top-level fields that differ, for a one-line report. */
  fields: string[];
}

/** Thrown by a verifying journal to stop a replay at its first divergence. */
export class DivergenceError extends Error {
  constructor(readonly divergence: Divergence) {
    super(`diverged at seq ${divergence.seq}: ${describe(divergence)}`);
  }
}

/**
 * Compares two events as the journal stores them. `runId` is left out when asked (a fork's events are
 * its parent's under another id); everything else must be equal, byte for byte once serialized.
 */
export function compareEvents(expected: RunEvent, actual: RunEvent, options: { ignoreRunId: boolean; ignoreSquadSource?: boolean }): string[] {
  const a = normalize(expected, options);
  const b = normalize(actual, options);
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k]));
}

/** An edited squad file is the point of replaying with it: its text is not a divergence. */
function normalize(e: RunEvent, options: { ignoreRunId: boolean; ignoreSquadSource?: boolean }): RunEvent {
  let out = options.ignoreRunId ? { ...e, runId: '' } : e;
  if (options.ignoreSquadSource && out.type === 'run.started') out = { ...out, squad: { ...out.squad, path: '', sha256: '', source: '' } };
  return out;
}

export function describe(d: Divergence): string {
  if (!d.expected) return `the re-run has an event the journal does not (${d.actual?.type})`;
  if (!d.actual) return `the journal goes on (${d.expected.type}) where the re-run ended`;
  if (d.expected.type !== d.actual.type) return `expected ${d.expected.type}, got ${d.actual.type}`;
  return `${d.expected.type} differs in ${d.fields.join(', ')}`;
}
