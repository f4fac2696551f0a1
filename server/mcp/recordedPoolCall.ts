import type { ToolCallOutcome, ToolIncident } from '../engine/toolHost';

type Down = Extract<ToolIncident, { kind: 'replica.down' }>;
type Up = Extract<ToolIncident, { kind: 'replica.up' }>;

/** Errors a pool gives a call that no replica answered (every other outcome is some replica's answer). */
const UNANSWERED = new Set(['timeout', 'unavailable']);

/** Reasons a pool gives a replica it marks down outside any call's attempts (at start, between calls). */
const OUTSIDE_A_CALL = /^(did not start|health check)/;

/**
 * What the world told the replica pool during one tool call, read back from the journal: the
 * recorded outcome of the call and the pool incidents journaled with it. A pool replaying a call
 * (a resumed or forked run catching up with its journal) runs its own routing, backoff and fault
 * draws as it did live, and asks this object only what a real server or process decided: the answer
 * of the last attempt, why a real attempt failed, whether a restart came up, which replicas were
 * lost between calls. So the pool ends the call in the state it was in after the live call: the same
 * replicas down, the same restart times, warm flags and slot ends, its random stream at the same
 * position.
 *
 * Contract: every method is a pure lookup; a fact the journal lacks gets the pool's live default
 * (a restart comes up, a failed attempt timed out), so a journal from an older engine replays as far
 * as it can instead of throwing.
 */
export class RecordedPoolCall {
  /** `replica.down` incidents not yet matched to what the replay did, per replica, in journal order. */
  private readonly downs = new Map<string, Down[]>();
  private readonly ups: Up[];

  constructor(
    readonly outcome: ToolCallOutcome,
    /** The run time the call started at. */
    readonly now: number,
  ) {
    const incidents = outcome.incidents ?? [];
    for (const i of incidents) if (i.kind === 'replica.down') this.downs.set(i.replica, [...(this.downs.get(i.replica) ?? []), i]);
    this.ups = incidents.filter((i): i is Up => i.kind === 'replica.up');
  }

  /**
   * Replicas the pool marked down before this call began (a process lost between calls, a failed
   * health check, a replica that did not start): they were pending when the call started, so they
   * happened at or before its start and were not caused by its attempts. Taken, in journal order.
   */
  takeLostBefore(): Down[] {
    const out: Down[] = [];
    for (const list of this.downs.values()) {
      while (list.length > 0 && (list[0]!.atMs < this.now || OUTSIDE_A_CALL.test(list[0]!.reason))) out.push(list.shift()!);
    }
    return out.sort((a, b) => a.atMs - b.atMs);
  }

  /** The journal's next `replica.down` of `replica` (taken): the pool marks it down now. */
  takeDown(replica: string): Down | undefined {
    return this.downs.get(replica)?.shift();
  }

  /**
   * What the real server did on attempt `attempt` of the call on `replica`: answered (the last
   * attempt of a call some replica answered), or failed with the reason of the replica's next
   * `replica.down`: a timeout (`no answer within …`) or a lost connection at that time.
   */
  attempt(replica: string, attempt: number): { kind: 'answer' } | { kind: 'timeout'; reason: string } | { kind: 'lost'; reason: string; atMs: number } {
    const { outcome } = this;
    if (attempt === (outcome.attempts ?? 1) && !UNANSWERED.has(outcome.error ?? '')) return { kind: 'answer' };
    const down = this.downs.get(replica)?.[0];
    if (!down || down.reason.startsWith('no answer within')) return { kind: 'timeout', reason: down?.reason ?? '' };
    return { kind: 'lost', reason: down.reason, atMs: down.atMs };
  }

  /** Whether the restart of `replica` due at `atMs` came up (else the journal has why it failed). */
  restarted(replica: string, atMs: number): { ok: true } | { ok: false; reason: string } {
    if (this.ups.some((u) => u.replica === replica && u.atMs === atMs)) return { ok: true };
    const failed = this.downs.get(replica)?.find((d) => d.reason.startsWith('restart failed: '));
    return failed ? { ok: false, reason: failed.reason.slice('restart failed: '.length) } : { ok: true };
  }
}
