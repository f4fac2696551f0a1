import type { DiffSide } from '../../protocol/api/replayResponse';
import type { RunEvent } from '../../protocol/runEvent';
import { foldEvents, type RunAccount } from '../engine/accounting';
import { compareEvents, type Divergence } from './divergence';

export interface JournalDiff {
  /** Where the two runs part; null when every event is the same (run ids aside). */
  parting: Divergence | null;
  /** Events both runs share before they part. */
  shared: number;
  a: RunAccount;
  b: RunAccount;
}

/**
 * Where two runs part and what each cost: a fork against its parent, a run before and after an edit,
 * the same squad under two profiles. Run ids and the squad file's text are not differences in
 * themselves; the decisions they lead to are.
 */
export function diffJournals(a: readonly RunEvent[], b: readonly RunEvent[]): JournalDiff {
  // A fork's `run.forked` marker is bookkeeping, not a decision: it is left out of the comparison.
  const left = a.filter((e) => e.type !== 'run.forked');
  const right = b.filter((e) => e.type !== 'run.forked');
  let parting: Divergence | null = null;
  const n = Math.max(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const x = left[i];
    const y = right[i];
    if (!x || !y) {
      parting = { seq: i + 1, expected: x ?? null, actual: y ?? null, fields: [] };
      break;
    }
    const fields = compareEvents(aligned(x, i + 1), aligned(y, i + 1), { ignoreRunId: true, ignoreSquadSource: true });
    if (fields.length > 0) {
      parting = { seq: i + 1, expected: x, actual: y, fields };
      break;
    }
  }
  return { parting, shared: parting ? parting.seq - 1 : n, a: foldEvents(a), b: foldEvents(b) };
}

/**
 * An event at its place in the comparison (`run.forked` left out): its seq, and a guardrail trip's
 * span (`guardrail/<seq>`, named after the trip's own seq) renumbered with it, so a fork whose link
 * moved every later seq by one does not part from its parent at its first trip.
 */
function aligned(event: RunEvent, seq: number): RunEvent {
  const spanId = event.spanId === `guardrail/${event.seq}` ? `guardrail/${seq}` : event.spanId;
  return { ...event, seq, spanId };
}

/** One side of a diff as every reader gets it (`DiffSideSchema`): the server's answer and `squad diff --json`. */
export function diffSide(account: RunAccount): DiffSide {
  return {
    runId: account.runId,
    status: account.status,
    events: account.events,
    costUsd: account.totals.costUsd,
    inputTokens: account.totals.inputTokens,
    outputTokens: account.totals.outputTokens,
    virtualMs: account.virtualMs,
    agents: Object.fromEntries(Object.entries(account.agents).map(([name, agent]) => [name, agent.costUsd])),
  };
}
