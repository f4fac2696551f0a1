import { describe, expect, it } from 'vitest';
import { fnv1a64 } from './fastHash';

describe('fnv1a64', () => {
  it('is stable, 16 hex digits, and tells apart texts, salts and near-identical strings', () => {
    expect(fnv1a64('hello')).toBe(fnv1a64('hello'));
    expect(fnv1a64('hello')).toMatch(/^[0-9a-f]{16}$/);
    expect(fnv1a64('hello')).not.toBe(fnv1a64('hellp'));
    expect(fnv1a64('hello', 'a')).not.toBe(fnv1a64('hello', 'b'));
    expect(fnv1a64('ab', '')).not.toBe(fnv1a64('b', 'a'));
  });

  it('has no collisions over 100,000 distinct short strings', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(fnv1a64(`memo v${i}`));
    expect(seen.size).toBe(100_000);
  });
});
