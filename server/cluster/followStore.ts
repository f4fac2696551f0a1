import type { Follower, FollowSink } from '../runs/followRun';
import type { SharedStores } from './clusterStores';

/**
 * `followRun` for a run held by another process: the journal store's `follow` (catch-up, then
 * appends as they commit, in any process), ended when the run's journal ends or the run is over in
 * the queue without `run.completed` (cancelled before it started).
 */
export function followStore(stores: SharedStores, id: string, fromSeq: number, sink: FollowSink): Follower {
  const abort = new AbortController();
  let next = fromSeq;
  void (async () => {
    try {
      const watchQueue = setInterval(() => {
        void stores.queue.get(id).then((e) => {
          if (e && (e.state === 'cancelled' || e.state === 'done')) endSoon = true;
        });
      }, 500);
      let endSoon = false;
      try {
        const iterator = stores.journals.follow(id, fromSeq, abort.signal)[Symbol.asyncIterator]();
        let pending = iterator.next();
        for (;;) {
          // One `next()` in flight at a time: a tick that wins the race leaves it pending for the next turn.
          const step = await Promise.race([pending, new Promise<'tick'>((r) => setTimeout(() => r('tick'), 600))]);
          if (step === 'tick') {
            if (endSoon) {
              abort.abort();
              break;
            }
            continue;
          }
          if (step.done) break;
          pending = iterator.next();
          next = step.value.seq + 1;
          sink.event(step.value, true);
        }
      } finally {
        clearInterval(watchQueue);
      }
      if (!abort.signal.aborted || endSoon) sink.end();
    } catch (error) {
      if (!abort.signal.aborted) sink.error(error);
    }
  })();
  return {
    stop: () => abort.abort(),
    get nextSeq() {
      return next;
    },
  };
}
