import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../protocol/webview/bridgeMethods';
import { PostMessageBridge } from './postMessageBridge';

/** A window that delivers `message` events on demand. */
function fakeWindow() {
  const listeners = new Set<(e: MessageEvent) => void>();
  return {
    win: {
      addEventListener: (_: string, l: (e: MessageEvent) => void) => listeners.add(l),
      removeEventListener: (_: string, l: (e: MessageEvent) => void) => listeners.delete(l),
    } as unknown as Pick<Window, 'addEventListener' | 'removeEventListener'>,
    deliver: (data: unknown) => {
      for (const l of listeners) l({ data } as MessageEvent);
    },
  };
}

const show = (run: string): { kind: 'event'; event: HostEvent } => ({ kind: 'event', event: { type: 'show', view: 'run', path: 'a.squad.yaml', run } });

describe('PostMessageBridge', () => {
  it('says ready itself without an early boot', () => {
    const posted: unknown[] = [];
    new PostMessageBridge({ postMessage: (m) => posted.push(m) }, fakeWindow().win);
    expect(posted).toEqual([{ kind: 'ready' }]);
  });

  it('after an early ready, says started and holds the events that came before anything listened until the first listeners subscribed', async () => {
    const posted: unknown[] = [];
    const { win, deliver } = fakeWindow();
    const bridge = new PostMessageBridge({ api: { postMessage: (m) => posted.push(m) }, take: () => [show('r1'), { kind: 'other' }] }, win);
    expect(posted).toEqual([{ kind: 'started' }]);
    deliver(show('r2'));
    // Two listeners subscribing in the same commit both get every held event, in order.
    const first: HostEvent[] = [];
    const second: HostEvent[] = [];
    bridge.onEvent((e) => first.push(e));
    bridge.onEvent((e) => second.push(e));
    expect(first).toEqual([]);
    await Promise.resolve();
    const runs = (events: HostEvent[]) => events.map((e) => (e.type === 'show' ? e.run : e.type));
    expect(runs(first)).toEqual(['r1', 'r2']);
    expect(runs(second)).toEqual(['r1', 'r2']);
    // From then on, events go straight to the listeners.
    deliver(show('r3'));
    expect(runs(first)).toEqual(['r1', 'r2', 'r3']);
  });
});
