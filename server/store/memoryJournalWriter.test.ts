import { describe, expect, it } from 'vitest';
import { journalWriterConformance } from './journalWriterConformance';
import { MemoryJournalWriter } from './memoryJournalWriter';
import { makeRun } from './testEvents';

journalWriterConformance('MemoryJournalWriter', async (options) => {
  const writer = new MemoryJournalWriter(options);
  return { writer, readBack: async () => writer.events.slice(0, writer.durableCount) };
});

describe('MemoryJournalWriter', () => {
  it('shows every appended event at once, and which ones a flush made durable', async () => {
    const writer = new MemoryJournalWriter();
    const events = makeRun(3);
    writer.append(events[0]!);
    writer.append(events[1]!);
    expect(writer.events).toEqual(events.slice(0, 2));
    expect(writer.durableCount).toBe(0);
    await writer.flush();
    expect(writer.durableCount).toBe(2);
    writer.append(events[2]!);
    expect(writer.durableCount).toBe(2);
    expect(writer.closed).toBe(false);
    await writer.close();
    expect(writer.closed).toBe(true);
    expect(writer.durableCount).toBe(3);
  });
});
