import { SystemClock, type Clock } from '../engine/clock';

/** How a rate-limit wait is slept on a run's clock: for real on the system clock; not at all on the virtual one (see RateLimitedProvider). */
export function realSleep(clock: Clock): ((ms: number, signal: AbortSignal) => Promise<void>) | null {
  return clock instanceof SystemClock ? (ms, signal) => clock.advanceTo(clock.now() + ms, signal) : null;
}
