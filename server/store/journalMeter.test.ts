import { describe, expect, it } from 'vitest';
import { JOURNAL_LIMITS, type RunEventDraft } from '../../protocol/runEvent';
import { RunJournal } from '../engine/runJournal';
import { JournalMeter } from './journalMeter';
import { MemoryJournalWriter } from './memoryJournalWriter';

const note = (n: number): RunEventDraft => ({
  type: 'message.delivered',
  t: n,
  agent: 'worker',
  spanId: `s${n}`,
  parentSpanId: 'run',
  messageId: `m${n}`,
  to: 'worker',
});

describe('JournalMeter', () => {
  it('notes each limit once, when the count reaches it, oldest first', () => {
    const meter = new JournalMeter({ events: 3, bytes: 250 });
    meter.add(100);
    meter.add(100);
    expect(meter.take()).toBeNull();
    meter.add(100); // 3 events and 300 bytes: both at once
    expect(meter.take()).toEqual({ limit: 'events', threshold: 3, events: 3, bytes: 300 });
    expect(meter.take()).toEqual({ limit: 'bytes', threshold: 250, events: 3, bytes: 300 });
    meter.add(100);
    expect(meter.take()).toBeNull();
    expect([meter.events, meter.bytes]).toEqual([4, 400]);
  });

  it('refuses limits that are not positive integers', () => {
    expect(() => new JournalMeter({ events: 0 })).toThrow(RangeError);
    expect(() => new JournalMeter({ bytes: 1.5 })).toThrow(RangeError);
  });
});

describe('journal.limit through the engine journal', () => {
  it(`warns right after the ${JOURNAL_LIMITS.events}th event, not before, and once`, () => {
    const writer = new MemoryJournalWriter({ highWaterMark: Number.MAX_SAFE_INTEGER });
    const journal = new RunJournal('r', writer);
    for (let i = 1; i < JOURNAL_LIMITS.events; i++) journal.emit(note(i));
    expect(writer.events.filter((e) => e.type === 'journal.limit')).toEqual([]);
    journal.emit(note(JOURNAL_LIMITS.events));
    const bytes = writer.events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)) + 1, 0);
    expect(writer.events.length).toBe(JOURNAL_LIMITS.events + 1);
    expect(writer.events.at(-1)).toEqual({
      runId: 'r',
      seq: JOURNAL_LIMITS.events + 1,
      type: 'journal.limit',
      t: JOURNAL_LIMITS.events,
      agent: null,
      spanId: 'run',
      parentSpanId: null,
      limit: 'events',
      threshold: JOURNAL_LIMITS.events,
      events: JOURNAL_LIMITS.events,
      bytes: bytes - (Buffer.byteLength(JSON.stringify(writer.events.at(-1))) + 1),
    });
    for (let i = 0; i < 100; i++) journal.emit(note(i));
    expect(writer.events.filter((e) => e.type === 'journal.limit')).toHaveLength(1);
  });

  it('warns when the JSONL bytes reach the limit, counting the limit event itself as an event', () => {
    const writer = new MemoryJournalWriter({ limits: { bytes: 1000 } });
    const journal = new RunJournal('r', writer);
    let i = 0;
    while (!writer.events.some((e) => e.type === 'journal.limit')) journal.emit(note(++i));
    const limit = writer.events.at(-1)!;
    const before = writer.events.slice(0, -1).reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)) + 1, 0);
    expect(limit).toMatchObject({ type: 'journal.limit', limit: 'bytes', threshold: 1000, events: i, bytes: before });
    expect(before).toBeGreaterThanOrEqual(1000);
    expect(before - (Buffer.byteLength(JSON.stringify(writer.events.at(-2))) + 1)).toBeLessThan(1000);
  });

  it('never journals a limit after run.completed', () => {
    const writer = new MemoryJournalWriter({ limits: { events: 2 } });
    const journal = new RunJournal('r', writer);
    journal.emit(note(1));
    journal.emit({ type: 'run.completed', t: 2, agent: null, spanId: 'run', parentSpanId: null, status: 'completed', result: 'ok', reason: null, marks: [] });
    expect(writer.events.map((e) => e.type)).toEqual(['message.delivered', 'run.completed']);
  });
});
