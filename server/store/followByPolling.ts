import type { RunEvent } from '../../protocol/runEvent';

/** Longest wait between two reads when no wake-up comes (a missed notification, a file watcher that never fires). */
const MAX_IDLE_MS = 250;

/**
 * `JournalStore.follow` for a store that can read a range and say "something was appended": reads
 * from `fromSeq`, yields what it got, then sleeps until `subscribe`'s wake-up (or MAX_IDLE_MS) and
 * reads again; ends after `run.completed` or when `signal` aborts. The subscription is taken before
 * the first read, so an append between a read and the sleep is never missed.
 */
export async function* followByPolling(read: (fromSeq: number) => Promise<RunEvent[]>, fromSeq: number, signal: AbortSignal, subscribe: (wake: () => void) => () => void): AsyncGenerator<RunEvent> {
  let next = fromSeq;
  // Cleared before each read; a wake while that read is out sets it, so the next read is not delayed.
  let woken: boolean;
  let wake: (() => void) | null = null;
  const unsubscribe = subscribe(() => {
    woken = true;
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal.aborted) {
      woken = false;
      const events = await read(next);
      for (const event of events) {
        if (event.seq !== next) continue;
        next += 1;
        yield event;
        if (event.type === 'run.completed') return;
      }
      if (signal.aborted) return;
      if (!woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, MAX_IDLE_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
