import { describe, expect, it } from 'vitest';
import { leastOutstanding, outstandingWork } from './replicaBalancer';

type Inst = Parameters<typeof leastOutstanding>[0][number] & { name: string };

const inst = (name: string, o: Partial<Omit<Inst, 'name'>> = {}): Inst => ({ name, inTransit: 0, mailbox: [], turn: null, wait: null, downUntil: 0, ...o });

describe('leastOutstanding', () => {
  it('counts messages in transit, in the mailbox, and a turn or wait in progress', () => {
    expect(outstandingWork(inst('a'))).toBe(0);
    expect(outstandingWork(inst('a', { inTransit: 2, mailbox: [{}, {}] as never, turn: {} as never }))).toBe(5);
    expect(outstandingWork(inst('a', { wait: {} as never }))).toBe(1);
  });

  it('picks the instance with the least outstanding work, the lowest index on a tie', () => {
    const set = [inst('f#1', { inTransit: 1 }), inst('f#2'), inst('f#3')];
    expect(leastOutstanding(set, 0)?.name).toBe('f#2');
    set[1]!.inTransit = 1;
    expect(leastOutstanding(set, 0)?.name).toBe('f#3');
    set[2]!.inTransit = 1;
    expect(leastOutstanding(set, 0)?.name).toBe('f#1');
  });

  it('skips an instance that is down until its restart time, and the one that failed', () => {
    const set = [inst('f#1', { downUntil: 100 }), inst('f#2', { inTransit: 3 }), inst('f#3', { inTransit: 5 })];
    expect(leastOutstanding(set, 50)?.name).toBe('f#2');
    expect(leastOutstanding(set, 100)?.name).toBe('f#1');
    expect(leastOutstanding(set, 50, set[1])?.name).toBe('f#3');
    expect(leastOutstanding([set[0]!], 50)).toBeNull();
  });
});
