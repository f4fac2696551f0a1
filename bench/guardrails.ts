import { findWaitCycle } from '../server/engine/guardrails/waitForGraph';
import type { AgentWait } from '../server/engine/guardrails/guardrail';
import { median, time } from './measure';
import { prepareOurs } from './ours';

export interface GuardrailOverhead {
  n: number;
  runs: number;
  onUsPerStep: number;
  offUsPerStep: number;
  /** (on − off) / off: what the guardrails add to a step. Target < 20%. */
  overhead: number;
}

/**
 * The engine's per-step cost with every guardrail on (thresholds raised so none trips, but every
 * check runs on every turn, message and call) against all of them switched off, on the same loop and
 * file journal as the LangGraph comparison. Alternating on/off so neither gets the warmer JIT.
 */
export async function benchGuardrailOverhead(dir: string, n = 2000, runs = 7): Promise<GuardrailOverhead> {
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const a = await time(prepareOurs(n, dir, `gr-on-${i}`, 'on'));
    const b = await time(prepareOurs(n, dir, `gr-off-${i}`, 'off'));
    if (i === 0) continue; // warm-up pair
    on.push(a.usPerStep);
    off.push(b.usPerStep);
  }
  const onUs = median(on);
  const offUs = median(off);
  return { n, runs, onUsPerStep: onUs, offUsPerStep: offUs, overhead: (onUs - offUs) / offUs };
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
