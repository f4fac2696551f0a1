import type { GuardrailName } from '../runProfile';
import { budget } from './budget';
import { cascade } from './cascade';
import { chatter } from './chatter';
import { circuitOpen } from './circuitOpen';
import { deadlock } from './deadlock';
import type { Guardrail } from './guardrail';
import { loop } from './loop';
import { rateLimit } from './rateLimit';
import { timeout } from './timeout';
import { tokenExplosion } from './tokenExplosion';
import { truncation } from './truncation';
import { turnLimit } from './turnLimit';

/**
 * The guardrails of a run, fresh per run (they keep per-run state), each a policy at the engine's
 * named points: the engine special-cases none of them. The turn limit and the deadline are always
 * on: they are the hard stops of a run that nothing else stopped. Without `cascade` a failure taints
 * the agent's output silently; without `truncation` a prompt goes to the model as it is; without
 * `rate-limit` calls are not held back.
 */
export function defaultGuardrails(disabled: readonly GuardrailName[]): Guardrail[] {
  const all: [GuardrailName, () => Guardrail][] = [
    ['truncation', truncation],
    ['rate-limit', rateLimit],
    ['cascade', cascade],
    ['budget', budget],
    ['loop', loop],
    ['chatter', chatter],
    ['deadlock', deadlock],
    ['token-explosion', tokenExplosion],
    ['circuit-open', circuitOpen],
  ];
  return [turnLimit(), timeout(), ...all.filter(([name]) => !disabled.includes(name)).map(([, make]) => make())];
}
