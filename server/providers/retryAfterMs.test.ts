import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retryAfterMs';

const h = (init: Record<string, string>) => new Headers(init);

describe('retryAfterMs', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMs(h({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(h({ 'retry-after': '0.5' }))).toBe(500);
    expect(retryAfterMs(h({ 'retry-after-ms': '1250', 'retry-after': '2' }))).toBe(1250);
    const now = Date.parse('2025-10-15T12:00:00Z');
    expect(retryAfterMs(h({ 'retry-after': 'Wed, 15 Oct 2025 12:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(h({ 'retry-after': 'Wed, 15 Oct 2025 11:59:00 GMT' }), now)).toBe(0);
  });

  it('ignores what it cannot trust', () => {
    expect(retryAfterMs(undefined)).toBeNull();
    expect(retryAfterMs(h({}))).toBeNull();
    expect(retryAfterMs(h({ 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterMs(h({ 'retry-after': '-4' }))).toBeNull();
    expect(retryAfterMs(h({ 'retry-after': '86400' }))).toBeNull();
  });
});
