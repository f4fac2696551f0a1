import { describe, expect, it } from 'vitest';
import { BudgetExhaustedError, DailyBudget } from './dailyBudget';

describe('DailyBudget', () => {
  it('lowers a reservation to what is left and refuses when nothing is', () => {
    let now = new Date('2025-05-01T10:00:00Z');
    const b = new DailyBudget('a', 1, () => now);
    const r1 = b.reserve(0.6);
    const r2 = b.reserve(0.6);
    expect(r1.grantedUsd).toBe(0.6);
    expect(r2.grantedUsd).toBeCloseTo(0.4);
    expect(() => b.reserve(0.1)).toThrow(BudgetExhaustedError);
    r1.spend(0.1);
    r1.close();
    expect(b.spentUsd).toBeCloseTo(0.1);
    expect(b.remainingUsd).toBeCloseTo(0.5);
    r2.spend(0.4);
    r2.close();
    r2.close();
    expect(b.spentUsd).toBeCloseTo(0.5);
    now = new Date('2025-05-02T00:00:01Z');
    expect(b.spentUsd).toBe(0);
    expect(b.reserve(2).grantedUsd).toBe(1);
  });

  it('refuses a run it can grant less than its first call needs, and says both figures', () => {
    const b = new DailyBudget('a', 0.02, () => new Date('2025-05-01T10:00:00Z'));
    const first = b.reserve(0.019);
    let refusal: unknown;
    try {
      b.reserve(5, 0.0025);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(BudgetExhaustedError);
    expect((refusal as Error).message).toBe('tenant "a" has $0.001 left of its daily budget of $0.02; this squad\'s first model call may cost up to $0.0025');
    // Nothing was held by the refused run; what is left still goes to a run that can use it.
    expect(b.reservedUsd).toBeCloseTo(0.019, 10);
    expect(b.reserve(5, 0.0005).grantedUsd).toBeCloseTo(0.001, 10);
    // A run whose own budget is under its first call is not the tenant's to refuse: it gets what it asked.
    first.close();
    expect(b.reserve(0.001, 0.0025).grantedUsd).toBe(0.001);
  });
});
