import { describe, expect, it } from 'vitest';
import { CommitWaiters } from './commitWaiters';
import { JournalError } from './journalError';

describe('CommitWaiters', () => {
  it('resolves flushes front to back as the durable mark passes their targets, drains once under the mark', async () => {
    const waiters = new CommitWaiters();
    let starts = 0;
    const start = (): void => void (starts += 1);
    const settled: string[] = [];
    const a = waiters.flush(10, 0, start).then(() => settled.push('a'));
    const b = waiters.flush(20, 0, start).then(() => settled.push('b'));
    const d = waiters.drain(true, start).then(() => settled.push('drain'));
    expect(starts).toBe(3);
    waiters.settle(15, false);
    await a;
    expect(settled).toEqual(['a']);
    waiters.settle(20, true);
    await Promise.all([b, d]);
    expect(settled).toEqual(['a', 'b', 'drain']);
    // Nothing to wait for: at once, without starting the loop.
    await waiters.flush(20, 20, start);
    await waiters.drain(false, start);
    expect(starts).toBe(3);
  });

  it('rejects every waiter with the failure', async () => {
    const waiters = new CommitWaiters();
    const f = waiters.flush(5, 0, () => undefined);
    const d = waiters.drain(true, () => undefined);
    const failure = new JournalError('j: journal write failed: EIO');
    waiters.fail(failure);
    await expect(f).rejects.toBe(failure);
    await expect(d).rejects.toBe(failure);
  });
});
