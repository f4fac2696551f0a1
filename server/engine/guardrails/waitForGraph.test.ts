import { describe, expect, it } from 'vitest';
import type { AgentWait } from './guardrail';
import { findWaitCycle } from './waitForGraph';

const wait = (...on: string[]): AgentWait => ({ reason: 'answer', on, questionId: null, question: null, since: 0 });

describe('findWaitCycle', () => {
  it('finds a two-agent cycle through the given agent', () => {
    const waits = new Map([
      ['a', wait('b')],
      ['b', wait('a')],
    ]);
    expect(findWaitCycle(waits, 'a')).toEqual(['a', 'b', 'a']);
    expect(findWaitCycle(waits, 'b')).toEqual(['b', 'a', 'b']);
  });

  it('finds a longer cycle and ignores a chain that ends at a free agent', () => {
    const waits = new Map([
      ['a', wait('x', 'b')],
      ['b', wait('c')],
      ['c', wait('a')],
      ['d', wait('e')],
    ]);
    expect(findWaitCycle(waits, 'a')).toEqual(['a', 'b', 'c', 'a']);
    expect(findWaitCycle(waits, 'd')).toBeNull();
    expect(findWaitCycle(waits)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('does not report a cycle that does not pass through the start', () => {
    const waits = new Map([
      ['s', wait('a')],
      ['a', wait('b')],
      ['b', wait('a')],
    ]);
    expect(findWaitCycle(waits, 's')).toBeNull();
    expect(findWaitCycle(waits)).toEqual(['a', 'b', 'a']);
  });
});
