import { describe, expect, it } from 'vitest';
import { ToolResultCache, toolCachePolicy } from './toolResultCache';

describe('toolCachePolicy', () => {
  it('caches only read-only tools by default; every other tool writes', () => {
    expect(toolCachePolicy(undefined, 'read_graph', true)).toEqual({ cached: true, writes: false });
    expect(toolCachePolicy(undefined, 'delete_entities', false)).toEqual({ cached: false, writes: true });
  });

  it('follows the squad file per tool: never, always, or a mode for the whole server', () => {
    expect(toolCachePolicy({ quote: 'never' }, 'quote', true)).toEqual({ cached: false, writes: false });
    expect(toolCachePolicy({ quote: 'never' }, 'other', true)).toEqual({ cached: true, writes: false });
    expect(toolCachePolicy('always', 'lookup', false)).toEqual({ cached: true, writes: false });
    expect(toolCachePolicy('never', 'save', false)).toEqual({ cached: false, writes: true });
  });
});

describe('ToolResultCache', () => {
  it('serves an entry with its age until its TTL', () => {
    const cache = new ToolResultCache(1000);
    expect(cache.complete(cache.begin('k', 's'), 'v', 100)).toBe(true);
    expect(cache.get('k', 600)).toEqual({ content: 'v', ageMs: 500 });
    expect(cache.get('k', 1100)).toBeUndefined();
    expect(cache.get('k', 600)).toBeUndefined(); // expired entries are gone
  });

  it("drops a server's entries on a write, and only that server's", () => {
    const cache = new ToolResultCache(60_000);
    cache.complete(cache.begin('a1', 'a'), 'x', 0);
    cache.complete(cache.begin('a2', 'a'), 'y', 0);
    cache.complete(cache.begin('b1', 'b'), 'z', 0);
    expect(cache.invalidate('a')).toBe(2);
    expect(cache.get('a1', 1)).toBeUndefined();
    expect(cache.get('b1', 1)?.content).toBe('z');
  });

  it('does not store a read that was in flight across a write', () => {
    const cache = new ToolResultCache(60_000);
    const read = cache.begin('k', 's');
    cache.invalidate('s'); // the write is sent
    expect(cache.complete(read, 'old', 5)).toBe(false);
    expect(cache.get('k', 6)).toBeUndefined();
    const after = cache.begin('k', 's');
    expect(cache.complete(after, 'new', 7)).toBe(true);
  });
});
