import { describe, expect, it } from 'vitest';
import { EdgeMap } from './edgeMap';

describe('EdgeMap', () => {
  it('keeps one value per directed edge and makes it once', () => {
    const m = new EdgeMap<number[]>();
    let made = 0;
    const make = (): number[] => (made++, []);
    m.getOrCreate('a', 'b', make).push(1);
    m.getOrCreate('a', 'b', make).push(2);
    m.getOrCreate('b', 'a', make).push(3);
    expect(made).toBe(2);
    expect(m.get('a', 'b')).toEqual([1, 2]);
    expect(m.get('b', 'a')).toEqual([3]);
    expect(m.get('a', 'c')).toBeUndefined();
  });

  it('forgets every edge into and out of an agent, and only those', () => {
    const m = new EdgeMap<string>();
    for (const [f, t] of [
      ['a', 'b'],
      ['b', 'a'],
      ['c', 'a'],
      ['b', 'c'],
    ] as const)
      m.getOrCreate(f, t, () => `${f}${t}`);
    m.deleteAgent('a');
    expect([m.get('a', 'b'), m.get('b', 'a'), m.get('c', 'a')]).toEqual([undefined, undefined, undefined]);
    expect(m.get('b', 'c')).toBe('bc');
  });
});
