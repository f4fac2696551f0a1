import type { RunEvent } from '../../protocol/runEvent';
import type { Bridge } from '../bridge/Bridge';

/** The largest page `run.journal` serves. */
export const JOURNAL_PAGE = 10_000;
/** Pages in flight at once: the server slices a cached journal while the page checks the previous page. */
const IN_FLIGHT = 3;

/**
 * Every event of a run, in seq order. When the caller knows how far the run went (`lastSeqHint`,
 * from the run list), the pages up to there are asked for a few at a time, so the host's work on one
 * page overlaps the app's schema check of another; past the hint (a run that grew since) pages
 * follow one by one until the host says the journal is complete. A page that does not start where
 * it should is an error, never a silent gap.
 */
export async function readRunJournal(bridge: Bridge, run: string, lastSeqHint: number, signal?: AbortSignal): Promise<RunEvent[]> {
  const page = async (fromSeq: number) => {
    const p = await bridge.request('run.journal', { run, fromSeq, limit: JOURNAL_PAGE }, signal);
    const first = p.events[0];
    if (first && first.seq !== fromSeq) throw new Error(`the journal page from ${fromSeq} starts at ${first.seq}`);
    return p;
  };
  const starts: number[] = [];
  for (let from = 1; from <= Math.max(1, lastSeqHint); from += JOURNAL_PAGE) starts.push(from);
  const pages = new Array<Awaited<ReturnType<typeof page>>>(starts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < starts.length) {
      const i = next++;
      pages[i] = await page(starts[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, starts.length) }, worker));

  const events: RunEvent[] = [];
  let last = pages.at(-1)!;
  for (const p of pages) {
    // A run shorter than its hint: the pages past its end are empty and say `complete`.
    for (const e of p.events) events.push(e);
    last = p;
    if (p.complete || p.events.length < JOURNAL_PAGE) break;
  }
  while (!last.complete && last.events.length > 0) {
    last = await page(events.length + 1);
    for (const e of last.events) events.push(e);
  }
  return events;
}
