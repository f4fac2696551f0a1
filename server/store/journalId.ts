import { JournalError } from './journalError';

/** How many `<runId>-N` names a store tries before giving up. */
export const MAX_JOURNAL_SUFFIX = 100_000;

/** `runId`, `runId-2`, `runId-3`, …: the names a store claims for the journals of one run id. */
export function* journalIdCandidates(runId: string): Generator<string> {
  for (let n = 1; n <= MAX_JOURNAL_SUFFIX; n++) yield n === 1 ? runId : `${runId}-${n}`;
}

/**
 * A journal id names a file in the embedded store, so every store takes the same ids: a plain file
 * name on every OS (no separators or `..`: it may come from an HTTP request), not too long.
 */
export function checkJournalId(id: string): void {
  const ok =
    id.length > 0 &&
    id.length <= 200 &&
    !id.startsWith('.') &&
    !id.endsWith('.') &&
    !id.endsWith(' ') &&
    // eslint-disable-next-line no-control-regex -- control characters are refused in a journal id (not portable as file names)
    !/[/\\:*?"<>|\x00-\x1f]/.test(id);
  if (!ok) throw new JournalError(`invalid run id ${JSON.stringify(id)}: it must be a plain file name`);
}
