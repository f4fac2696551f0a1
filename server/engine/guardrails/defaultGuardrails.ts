import type { GuardrailName } from '../runProfile';
import { budget } from './budget';
import { chatter } from './chatter';
import { circuitOpen } from './circuitOpen';
import { deadlock } from './deadlock';
import type { Guardrail } from './guardrail';
import { loop } from './loop';
import { tokenExplosion } from './tokenExplosion';
import { turnLimit } from './turnLimit';

/**
 * The guardrails of a run, fresh per run (they keep per-run state). The turn limit is always on: it is
 * the hard stop of a run that nothing else stopped. Truncation, cascade and rate limits are enforced by
 * the engine itself at the points they govern; `disabled` switches those off too.
 */
export function defaultGuardrails(disabled: readonly GuardrailName[]): Guardrail[] {
  const all: [GuardrailName, () => Guardrail][] = [
    ['budget', budget],
    ['loop', loop],
    ['chatter', chatter],
    ['deadlock', deadlock],
    ['token-explosion', tokenExplosion],
    ['circuit-open', circuitOpen],
  ];
  return [turnLimit(), ...all.filter(([name]) => !disabled.includes(name)).map(([, make]) => make())];
}
