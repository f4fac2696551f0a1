import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/runEvent';
import type { JournalWriter } from '../engine/journalWriter';
import { makeRun, messageSent } from './testEvents';

export interface WriterUnderTest {
  writer: JournalWriter;
  /** What the store holds durably right now (for a file: what a fresh reader of the file gets). */
  readBack: () => Promise<RunEvent[]>;
  /** How many syncs the writer has done, for writers that sync. */
  syncs?: () => number;
}

export type JournalWriterFactory = (options: { highWaterMark?: number }) => Promise<WriterUnderTest>;

/**
 * The behaviour every `JournalWriter` must have, run against each implementation (as langgraph runs
 * one suite against every checkpoint saver). Call it at the top level of a test file.
 */
export function journalWriterConformance(name: string, factory: JournalWriterFactory): void {
  describe(`${name} conforms to JournalWriter`, () => {
    it('reads back every event in append order after close', async () => {
      const { writer, readBack } = await factory({});
      const events = makeRun(20);
      for (const event of events) writer.append(event);
      await writer.close();
      expect(await readBack()).toEqual(events);
    });

    it('makes everything appended before flush() durable when it resolves, before close', async () => {
      const { writer, readBack } = await factory({});
      const events = makeRun(15);
      for (const event of events.slice(0, 10)) writer.append(event);
      await writer.flush();
      expect(await readBack()).toEqual(events.slice(0, 10));

      for (const event of events.slice(10)) writer.append(event);
      await Promise.all([writer.flush(), writer.flush()]);
      expect(await readBack()).toEqual(events);
      await writer.close();
    });

    it('resolves flush() and drain() at once when there is nothing to do', async () => {
      const { writer, readBack } = await factory({});
      await writer.flush();
      await writer.drain();
      await writer.close();
      expect(await readBack()).toEqual([]);
    });

    it('keeps order across interleaved appends and concurrent flushes', async () => {
      const { writer, readBack } = await factory({});
      const events = makeRun(200);
      const flushes: Promise<void>[] = [];
      for (const event of events) {
        writer.append(event);
        if (event.seq % 7 === 0) flushes.push(writer.flush());
      }
      await Promise.all(flushes);
      expect((await readBack()).slice(0, 196)).toEqual(events.slice(0, 196));
      await writer.close();
      expect(await readBack()).toEqual(events);
    });

    it('flushes on close, and close is idempotent', async () => {
      const { writer, readBack } = await factory({});
      const events = makeRun(3);
      for (const event of events) writer.append(event);
      await Promise.all([writer.close(), writer.close()]);
      await writer.close();
      await writer.flush();
      expect(await readBack()).toEqual(events);
    });

    it('throws on append after close', async () => {
      const { writer } = await factory({});
      const [first, second] = makeRun(2);
      writer.append(first!);
      const closing = writer.close();
      expect(() => writer.append(second!)).toThrow(/after close/);
      await closing;
      expect(() => writer.append(second!)).toThrow(/after close/);
    });

    it('stores each event as it was when appended', async () => {
      const { writer, readBack } = await factory({});
      const events = makeRun(2);
      const expected: unknown = JSON.parse(JSON.stringify(events));
      for (const event of events) writer.append(event);
      const second = events[1];
      if (second?.type === 'message.sent') second.content = 'rewritten later';
      await writer.close();
      expect(await readBack()).toEqual(expected);
    });

    it('returns false past the high-water mark, and drain() resolves below it', async () => {
      const { writer, readBack } = await factory({ highWaterMark: 2048 });
      const events = makeRun(40);
      let seq = 0;
      let accepted = true;
      while (accepted && seq < events.length) accepted = writer.append(events[seq++]!);
      expect(accepted).toBe(false);
      expect(seq).toBeLessThan(20); // each event is a few hundred bytes
      await writer.drain();
      expect(writer.append(events[seq++]!)).toBe(true);
      while (seq < events.length) if (!writer.append(events[seq++]!)) await writer.drain();
      await writer.close();
      expect(await readBack()).toEqual(events);
    });

    it('takes 50,000 small events in order, honouring backpressure, with far fewer syncs than events', async () => {
      const { writer, readBack, syncs } = await factory({});
      const count = 50_000;
      const events = makeRun(1);
      for (let seq = 2; seq <= count; seq++) events.push(messageSent('run-1', seq, 'ok'));
      for (const event of events) if (!writer.append(event)) await writer.drain();
      await writer.close();
      const back = await readBack();
      expect(back.length).toBe(count);
      expect(back.every((event, i) => event.seq === i + 1)).toBe(true);
      expect(back[count - 1]).toEqual(events[count - 1]);
      if (syncs) expect(syncs()).toBeLessThan(count / 10);
    });
  });
}
