import { describe, expect, it } from 'vitest';
import { guardrailBreakpointName, guardrailOfBreakpoint } from './guardrailBreakpoints';

describe('guardrail function breakpoints', () => {
  it('round-trips every kind through its name, forgiving case and spaces', () => {
    expect(guardrailOfBreakpoint(guardrailBreakpointName('chatter'))).toBe('chatter');
    expect(guardrailOfBreakpoint('Guardrail:token-explosion')).toBe('token-explosion');
    expect(guardrailOfBreakpoint(' guardrail :  deadlock ')).toBe('deadlock');
  });
  it('refuses what is not a guardrail kind', () => {
    expect(guardrailOfBreakpoint('guardrail: nonsense')).toBeNull();
    expect(guardrailOfBreakpoint('planner')).toBeNull();
  });
});
