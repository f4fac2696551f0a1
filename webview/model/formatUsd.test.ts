import { describe, expect, it } from 'vitest';
import { formatUsd, plural } from './formatUsd';

describe('formatUsd', () => {
  it('shows four decimals under a dollar and cents above, as the status bar does', () => {
    expect(formatUsd(0.0146)).toBe('$0.0146');
    expect(formatUsd(0)).toBe('$0.0000');
    expect(formatUsd(50)).toBe('$50.00');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(-0.25)).toBe('-$0.2500');
  });
  it('counts with the right noun', () => {
    expect(plural(1, 'turn')).toBe('1 turn');
    expect(plural(2, 'call')).toBe('2 calls');
    expect(plural(0, 'call')).toBe('0 calls');
  });
});
