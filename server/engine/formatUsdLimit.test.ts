import { describe, expect, it } from 'vitest';
import { formatUsdLimit } from './formatUsdLimit';

describe('formatUsdLimit', () => {
  it('keeps cents and every decimal a sub-cent limit has', () => {
    expect(formatUsdLimit(0.05)).toBe('$0.05');
    expect(formatUsdLimit(0.1)).toBe('$0.10');
    expect(formatUsdLimit(12.5)).toBe('$12.50');
    expect(formatUsdLimit(50)).toBe('$50.00');
    expect(formatUsdLimit(0.0005)).toBe('$0.0005');
    expect(formatUsdLimit(0.00012)).toBe('$0.00012');
    expect(formatUsdLimit(0.0025)).toBe('$0.0025');
  });
});
