import { describe, expect, it } from 'vitest';
import { StateHash64, stateHash64 } from './stateHash64';

describe('stateHash64', () => {
  it('is stable, 16 hex digits, and tells apart texts, salts and near-identical strings', () => {
    expect(stateHash64('hello')).toBe(stateHash64('hello'));
    expect(stateHash64('hello')).toMatch(/^[0-9a-f]{16}$/);
    expect(stateHash64('hello')).not.toBe(stateHash64('hellp'));
    expect(stateHash64('hello', 'a')).not.toBe(stateHash64('hello', 'b'));
    expect(stateHash64('ab', '')).not.toBe(stateHash64('b', 'a'));
  });

  it('has no collisions over 100,000 distinct short strings', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(stateHash64(`memo v${i}`));
    expect(seen.size).toBe(100_000);
  });

  it('hashes parts fed one by one as the joined text', () => {
    expect(new StateHash64().feed('salt').feed('\u0000').feed('ab').feed('c').hex()).toBe(stateHash64('abc', 'salt'));
  });

  it('is stable across releases: journals hold these hashes as evidence', () => {
    expect(stateHash64('hello world', 'salt')).toBe('5c41ff49d6a20c64');
    expect(stateHash64('')).toBe('050c5d1f773f34dd');
  });

  it('gives a four-unit key with the same 64 bits as the hex', () => {
    const h = new StateHash64().feed('state');
    const key = h.key();
    expect(key).toHaveLength(4);
    // By UTF-16 code unit: a spread would walk code points and merge a surrogate pair into one.
    const hex = Array.from({ length: key.length }, (_, i) => key.charCodeAt(i).toString(16).padStart(4, '0')).join('');
    expect(hex).toBe(h.hex());
  });
});
