import { describe, expect, it } from 'vitest';
import { Bulkhead, BulkheadFullError } from './bulkhead';

const live = new AbortController().signal;

describe('Bulkhead', () => {
  it('admits up to its limit, queues in order beyond it, and refuses past the queue', async () => {
    const b = new Bulkhead(2, 2);
    const r1 = await b.enter(live);
    await b.enter(live);
    const order: number[] = [];
    const q3 = b.enter(live).then((release) => (order.push(3), release));
    const q4 = b.enter(live).then((release) => (order.push(4), release));
    expect(() => b.enter(live)).toThrow(BulkheadFullError);
    expect([b.running, b.queued]).toEqual([2, 2]);
    r1();
    r1(); // a second release is ignored
    const r3 = await q3;
    expect([b.running, b.queued]).toEqual([2, 1]);
    r3();
    await q4;
    expect(order).toEqual([3, 4]);
    expect([b.running, b.queued]).toEqual([2, 0]);
  });

  it('drops an aborted waiter from the queue without giving it a slot', async () => {
    const b = new Bulkhead(1, 5);
    const release = await b.enter(live);
    const abort = new AbortController();
    const queued = b.enter(abort.signal);
    abort.abort(new Error('cancelled'));
    await expect(queued).rejects.toThrow('cancelled');
    expect(b.queued).toBe(0);
    release();
    expect(b.running).toBe(0);
  });
});
