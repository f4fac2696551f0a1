import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/runEvent';
import { BatchingJournalWriter, type StoredLine } from './batchingJournalWriter';
import { JournalError } from './journalError';
import { journalWriterConformance } from './journalWriterConformance';
import { makeRun } from './testEvents';

/** A batch store that keeps what it committed, one entry per batch (as a transaction would). */
function committedStore(): { batches: StoredLine[][]; commit(lines: StoredLine[]): Promise<void>; events(): RunEvent[] } {
  const batches: StoredLine[][] = [];
  return {
    batches,
    commit: async (lines) => {
      await new Promise((r) => setImmediate(r)); // a round trip: appends meanwhile ride on the next batch
      batches.push(lines);
    },
    events: () => batches.flat().map((l) => JSON.parse(l.json) as RunEvent),
  };
}

journalWriterConformance('BatchingJournalWriter', async (options) => {
  const store = committedStore();
  const writer = new BatchingJournalWriter((lines) => store.commit(lines), { name: 'test-journal', ...options });
  return { writer, readBack: async () => store.events(), syncs: () => store.batches.length };
});

describe('BatchingJournalWriter', () => {
  it('fails every waiter and every later append once a commit fails, naming the journal', async () => {
    const writer = new BatchingJournalWriter(async () => Promise.reject(new Error('connection reset')), { name: 'run-7' });
    const events = makeRun(3);
    writer.append(events[0]!);
    const flushes = Promise.allSettled([writer.flush(), writer.flush()]);
    const results = await flushes;
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/run-7: journal commit failed: .*connection reset/);
    }
    expect(() => writer.append(events[1]!)).toThrow(JournalError);
    expect(() => writer.append(events[1]!)).toThrow(/run-7: cannot append, an earlier write failed/);
    await expect(writer.close()).rejects.toThrow(/connection reset/);
  });
});
