import { describe, expect, it } from 'vitest';
import { Fnv64, fnv1a64 } from './fastHash';

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

  it('hashes parts fed one by one as the joined text', () => {
    expect(new Fnv64().feed('salt').feed('\u0000').feed('ab').feed('c').hex()).toBe(fnv1a64('abc', 'salt'));
  });

  it('is stable across releases: journals hold these hashes as evidence', () => {
    expect(fnv1a64('hello world', 'salt')).toBe('5c41ff49d6a20c64');
    expect(fnv1a64('')).toBe('050c5d1f773f34dd');
  });

  it('gives a four-unit key with the same 64 bits as the hex', () => {
    const h = new Fnv64().feed('state');
    const key = h.key();
    expect(key).toHaveLength(4);
    const hex = [...key].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('');
    expect(hex).toBe(h.hex());
  });
});
