import type { JoinState } from './agentRuntime';
import type { AgentWait } from './guardrails/guardrail';

/**
 * A join's wait as guardrails see it: `on` is what the join still waits for, listed only when read
 * (a deadlock check, a journal line), so a delivery that meets part of the join costs O(1) and no
 * list of K names is rebuilt K times. Contract: `join` is mutated only through `meet`.
 */
export class JoinWait implements AgentWait {
  readonly reason = 'join' as const;
  readonly questionId = null;
  readonly question = null;
  private listed: string[] | null = null;

  constructor(
    readonly join: JoinState,
    readonly since: number,
  ) {}

  get on(): readonly string[] {
    return (this.listed ??= listOf(this.join));
  }

  /** The instances no longer waited on now that `from`'s message arrived (empty: it met nothing). */
  meet(from: string): string[] {
    const met = meetJoin(this.join, from);
    if (met.length > 0) this.listed = null;
    return met;
  }
}

/**
 * A message from `from` arrived: strikes off the part of the join it meets and returns it. O(1) for
 * an `each` group; an `any` group is met whole, once: O(its instances).
 */
export function meetJoin(join: JoinState, from: string): string[] {
  const group = join.byInstance.get(from);
  if (!group || group.waiting.size === 0) return [];
  if (group.mode === 'each') {
    group.waiting.delete(from);
    join.byInstance.delete(from);
    join.missing -= 1;
    return [from];
  }
  const met = [...group.waiting];
  join.missing -= met.length;
  for (const name of met) join.byInstance.delete(name);
  group.waiting.clear();
  return met;
}

/** What the join still waits for, in the order the squad declares the joined agents. */
export function listOf(join: JoinState): string[] {
  const on: string[] = [];
  for (const g of join.groups) for (const name of g.waiting) on.push(name);
  return on;
}
