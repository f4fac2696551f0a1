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
});
