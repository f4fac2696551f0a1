import { findWaitCycle } from '../server/engine/guardrails/waitForGraph';
import type { AgentWait } from '../server/engine/guardrails/guardrail';
import { median, time } from './measure';
import { prepareOurs } from './ours';

export interface GuardrailOverhead {
  n: number;
  runs: number;
  /** CPU µs per step, medians. */
  onUsPerStep: number;
  offUsPerStep: number;
  /** (on − off) / off: what the guardrails add to a step. Target < 20%. */
  overhead: number;
}

/**
 * The engine's per-step cost with every guardrail on (thresholds raised so none trips, but every
 * check runs on every turn, message and call) against all of them switched off, on the same loop and
 * file journal as the LangGraph comparison.
 *
 * Measured in CPU time per step (see `Timing.cpuUsPerStep`: wall time on a shared machine swings by
 * ±30% with other processes' load, CPU time hardly), in back-to-back pairs, the order swapped every
 * pair so neither side gets the warmer JIT; the overhead is the median of the pairs' ratios.
 */
export async function benchGuardrailOverhead(dir: string, n = 2000, runs = 9): Promise<GuardrailOverhead> {
  const on: number[] = [];
  const off: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const measureOn = () => time(prepareOurs(n, dir, `gr-on-${i}`, 'on'));
    const measureOff = () => time(prepareOurs(n, dir, `gr-off-${i}`, 'off'));
    let a: Awaited<ReturnType<typeof measureOn>>;
    let b: Awaited<ReturnType<typeof measureOff>>;
    if (i % 2 === 0) {
      a = await measureOn();
      b = await measureOff();
    } else {
      b = await measureOff();
      a = await measureOn();
    }
    if (i === 0) continue; // warm-up pair
    on.push(a.cpuUsPerStep);
    off.push(b.cpuUsPerStep);
    ratios.push(a.cpuUsPerStep / b.cpuUsPerStep);
  }
  return { n, runs, onUsPerStep: median(on), offUsPerStep: median(off), overhead: median(ratios) - 1 };
}

export interface DeadlockDetection {
  agents: number;
  /** Detecting the cycle as its closing edge is added: a ring of `agents` waits. */
  closingUs: number;
  /** The same graph without the closing edge: the search walks the whole chain and finds nothing. */
  openUs: number;
}

/** Deadlock detection on a wait-for graph of `agents` agents (target: far below one model call). */
export function benchDeadlockDetection(agents = 1000, iterations = 2000): DeadlockDetection {
  const ring = new Map<string, AgentWait>();
  for (let i = 0; i < agents; i++) {
    ring.set(`a${i}`, { reason: 'answer', on: [`a${(i + 1) % agents}`], questionId: `q${i}`, question: `q${i}?`, since: i });
  }
  const chain = new Map(ring);
  chain.delete(`a${agents - 1}`);
  const measure = (waits: Map<string, AgentWait>, from: string, expectCycle: boolean): number => {
    const check = findWaitCycle(waits, from);
    if ((check !== null) !== expectCycle || (check && check.length !== agents + 1)) throw new Error('deadlock bench: wrong answer');
    const started = performance.now();
    for (let i = 0; i < iterations; i++) findWaitCycle(waits, from);
    return ((performance.now() - started) * 1000) / iterations;
  };
  return { agents, closingUs: measure(ring, `a${agents - 1}`, true), openUs: measure(chain, 'a0', false) };
}
