import type { ServerFrame } from '../../protocol/api/streamFrame';
import type { RunEvent } from '../../protocol/runEvent';

/**
 * Serialises server frames. A live event is the same object for every client following its run, so
 * its JSON is computed once and kept while the event lives (a WeakMap: no growth, no eviction), and
 * an `events` frame is assembled from those strings: ten clients cost one `JSON.stringify` per event.
 * One encoder per server, shared by its sessions.
 */
export class FrameEncoder {
  private readonly cache = new WeakMap<RunEvent, string>();

  events(id: string, run: string, events: readonly RunEvent[]): string {
    let body = '';
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      let json = this.cache.get(e);
      if (json === undefined) {
        json = JSON.stringify(e);
        this.cache.set(e, json);
      }
      body += i === 0 ? json : `,${json}`;
    }
    return `{"type":"events","id":${JSON.stringify(id)},"run":${JSON.stringify(run)},"events":[${body}]}`;
  }

  frame(frame: Exclude<ServerFrame, { type: 'events' }>): string {
    return JSON.stringify(frame);
  }
}
