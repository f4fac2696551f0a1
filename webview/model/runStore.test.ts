import { describe, expect, it } from 'vitest';
import { RunStore, type FrameScheduler } from './runStore';
import { syntheticRun } from './syntheticRun';

/** Frames that run only when the test says so. */
function manualFrames(): FrameScheduler & { run(): void; pending: number } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    request: (cb) => {
      callbacks.set(next, cb);
      return next++;
    },
    cancel: (h) => callbacks.delete(h),
    run: () => {
      const all = [...callbacks.values()];
      callbacks.clear();
      for (const cb of all) cb();
    },
    get pending() {
      return callbacks.size;
    },
  };
}

describe('RunStore', () => {
  it('coalesces every batch that arrives within a frame into one fold and one notification', () => {
    const frames = manualFrames();
    const store = new RunStore(frames);
    let notified = 0;
    store.subscribe(() => notified++);
    const events = syntheticRun(2000);
    for (let i = 0; i < events.length; i += 7) store.push(events.slice(i, i + 7));
    expect(frames.pending).toBe(1);
    expect(store.current.lastSeq).toBe(0);
    frames.run();
    expect(notified).toBe(1);
    expect(store.current.lastSeq).toBe(events.length);
    expect(store.current.events).toHaveLength(events.length);
    expect(store.received).toBe(events.length);
  });

  it('cancels its pending frame when disposed', () => {
    const frames = manualFrames();
    const store = new RunStore(frames);
    store.push(syntheticRun(20));
    store.dispose();
    expect(frames.pending).toBe(0);
  });
});
