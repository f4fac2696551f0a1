import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateRunExpression } from './runExpression';

const scope = { tokens: 6200, cost: 0.12, agent: 'checker', run: { cost: 0.3, budget: 0.5 }, agents: { 'credit-check': { turns: 2 } }, mailbox: [{ kind: 'handoff' }] };

describe('evaluateRunExpression', () => {
  it.each([
    ['tokens > 5000', true],
    ['cost > 0.10 && tokens < 6000', false],
    ['run.budget - run.cost', 0.2],
    ['agent == "checker" || false', true],
    ["agents['credit-check'].turns * 2", 4],
    ['agents.credit-check.turns', 2],
    ['mailbox.length', 1],
    ['mailbox[0].kind', 'handoff'],
    ['!(tokens >= 6200)', false],
    ['-cost + 1', 0.88],
  ])('%s → %s', (expr, expected) => {
    const value = evaluateRunExpression(expr, scope);
    if (typeof expected === 'number') expect(value).toBeCloseTo(expected, 9);
    else expect(value).toBe(expected);
  });

  it('names what it does not know instead of guessing', () => {
    expect(() => evaluateRunExpression('spend > 1', scope)).toThrow(/unknown name "spend"/);
    expect(() => evaluateRunExpression('tokens >', scope)).toThrow(ExpressionError);
    expect(() => evaluateRunExpression('agent > 1', scope)).toThrow(/compares numbers/);
  });

  it('reaches no prototype or global', () => {
    expect(evaluateRunExpression('run.constructor', scope)).toBeUndefined();
    expect(evaluateRunExpression('agents.__proto__', scope)).toBeUndefined();
    expect(() => evaluateRunExpression('process', scope)).toThrow(/unknown name/);
  });
});
