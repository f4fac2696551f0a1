/**
 * A journal's size limits, after Temporal's (a warning at 10,240 events and 10 MB of history, a
 * payload limit of 2 MB with a warning at 256 KB): a run whose journal passes `events` or `bytes`
 * gets a `journal.limit` warning (it goes on), and a payload (a string anywhere in an event) larger
 * than `payloadBytes` in UTF-8 is stored beside the journal by reference, so the JSONL stays quick to
 * scan, stream and diff. `bytes` counts the journal as JSONL with every payload in full.
 */
export const JOURNAL_LIMITS = { events: 10_000, bytes: 10 * 1024 * 1024, payloadBytes: 256 * 1024 } as const;
