import { describe, expect, it } from 'vitest';
import { tripEdges } from './tripEdges';

describe('tripEdges: the edges a trip is about', () => {
  it('reads chatter’s edge, a loop’s messages and cycle, a deadlock’s cycle', () => {
    expect(tripEdges({ edge: 'intake→adjuster', messages: 9 })).toEqual(['intake>adjuster']);
    expect(tripEdges({ cycle: ['a', 'b', 'a'], messages: [{ edge: 'a→b' }, { edge: 'b→a' }] })).toEqual(['a>b', 'b>a']);
    expect(tripEdges({ cycle: ['pricing', 'risk', 'treasury', 'pricing'] })).toEqual(['pricing>risk', 'risk>treasury', 'treasury>pricing']);
  });
  it('maps instances to their agent and ignores what is not an edge', () => {
    expect(tripEdges({ edge: 'pricer#2→desk' })).toEqual(['pricer>desk']);
    expect(tripEdges({ edge: 42, cycle: 'x', messages: [null, { edge: 'a→b→c' }] })).toEqual([]);
  });
});
