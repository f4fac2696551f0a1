import type { AgentRuntime } from './agentRuntime';

/**
 * What an instance has on its plate: messages on their way to it, messages in its mailbox, and a
 * turn in progress or a wait for an answer (work it holds until it finishes).
 */
export function outstandingWork(a: Pick<AgentRuntime, 'inTransit' | 'mailbox' | 'turn' | 'wait'>): number {
  return a.inTransit + a.mailbox.length + (a.turn || a.wait ? 1 : 0);
}

/**
 * The instance of a replicated agent that takes the next piece of work: the healthy one (up at
 * `now`) with the least outstanding work; ties go to the lowest index, so routing is a pure function
 * of the run's state and journals stay reproducible. `except` is left out (the instance that failed).
 * Null when no instance is healthy.
 */
export function leastOutstanding<T extends Pick<AgentRuntime, 'inTransit' | 'mailbox' | 'turn' | 'wait' | 'downUntil'>>(instances: readonly T[], now: number, except: T | null = null): T | null {
  let best: T | null = null;
  let bestLoad = Number.POSITIVE_INFINITY;
  for (const a of instances) {
    if (a === except || a.downUntil > now) continue;
    const load = outstandingWork(a);
    if (load < bestLoad) {
      best = a;
      bestLoad = load;
    }
  }
  return best;
}
