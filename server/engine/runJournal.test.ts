import { describe, expect, it } from 'vitest';
import type { RunEvent, RunEventDraft } from '../../protocol/runEvent';
import type { JournalWriter } from './journalWriter';
import { RunJournal } from './runJournal';

function keptWriter(): JournalWriter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    append: (event) => lines.push(JSON.stringify(event)) > 0,
    drain: () => Promise.resolve(),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

const delivered = { type: 'message.delivered', t: 5, agent: 'a', spanId: 'deliver/m1', parentSpanId: null, messageId: 'm1', to: 'a' } as const;

describe('RunJournal', () => {
  it('sets the seq of a draft written stamped in place, without copying it', () => {
    const writer = keptWriter();
    const journal = new RunJournal('run-1', writer);
    const draft: RunEvent = { runId: 'run-1', seq: 0, ...delivered };
    const event = journal.emit(draft);
    expect(event).toBe(draft);
    expect(writer.lines).toEqual([`{"runId":"run-1","seq":1,${JSON.stringify(delivered).slice(1)}`]);
  });

  it('copies any other draft behind its stamp, so the journal keeps runId and seq first', () => {
    const writer = keptWriter();
    const journal = new RunJournal('run-1', writer);
    const plain: RunEventDraft = { ...delivered };
    // Stamped, but in the wrong order, or for another run: copied, never written as it is.
    const misordered = { ...delivered, runId: 'run-1', seq: 0 } as unknown as RunEvent;
    const foreign: RunEvent = { runId: 'run-2', seq: 0, ...delivered };
    for (const draft of [plain, misordered, foreign]) expect(journal.emit(draft)).not.toBe(draft);
    const tail = JSON.stringify(delivered).slice(1);
    expect(writer.lines).toEqual([1, 2, 3].map((seq) => `{"runId":"run-1","seq":${seq},${tail}`));
  });
});
