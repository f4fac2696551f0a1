import { describe, expect, it } from 'vitest';
import { childSignal, withChildSignal } from './childSignal';

describe('childSignal', () => {
  it('aborts with the reason of whichever parent aborts', () => {
    const a = new AbortController();
    const b = new AbortController();
    const child = childSignal(a.signal, b.signal);
    b.abort(new Error('closed'));
    expect(child.signal.aborted).toBe(true);
    expect(child.signal.reason).toEqual(new Error('closed'));
  });

  it('starts aborted under an aborted parent, and no longer follows its parents once disposed', async () => {
    const done = new AbortController();
    done.abort('gone');
    expect(childSignal(done.signal).signal.reason).toBe('gone');
    const parent = new AbortController();
    let seen: AbortSignal | null = null;
    await withChildSignal([parent.signal], async (signal) => {
      seen = signal;
    });
    parent.abort();
    expect(seen!.aborted).toBe(false);
  });
});
