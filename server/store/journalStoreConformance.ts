import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/runEvent';
import { journalWriterConformance } from './journalWriterConformance';
import type { JournalStore } from './journalStore';
import { makeRun, messageSent, runCompleted } from './testEvents';

/**
 * The behaviour every `JournalStore` must have (create, append with group commit, read a range,
 * follow from a seq, list, delete, unfinished), run against each adapter. `store()` gives a fresh,
 * empty store; `reader()` gives a second handle on the same data where the adapter has one (another
 * connection: what another process sees).
 */
export function journalStoreConformance(name: string, store: () => Promise<JournalStore>, reader?: (s: JournalStore) => Promise<JournalStore>): void {
  describe(`${name} conforms to JournalStore`, () => {
    let n = 0;
    journalWriterConformance(`${name}'s writer`, async (options) => {
      const s = await store();
      const { id, writer } = await s.create(`w${++n}`, options);
      return { writer, readBack: () => s.read(id) };
    });

    it('gives the Nth journal of one run id its own id, and reads back ranges', async () => {
      const s = await store();
      const a = await s.create('run-a');
      const b = await s.create('run-a');
      expect([a.id, b.id]).toEqual(['run-a', 'run-a-2']);
      const events = makeRun(10, 'run-a');
      for (const e of events) a.writer.append(e);
      await a.writer.close();
      await b.writer.close();
      expect(await s.read('run-a')).toEqual(events);
      expect(await s.read('run-a', 4, 6)).toEqual(events.slice(3, 6));
      expect(await s.read('run-a', 11)).toEqual([]);
      expect(await s.read('run-a-2')).toEqual([]);
      await expect(s.read('nope')).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(s.create('../etc')).rejects.toThrow(/plain file name/);
    });

    it('lists journals newest first, tells unfinished ones, and deletes', async () => {
      const s = await store();
      const done = await s.create('done');
      for (const e of [...makeRun(3, 'done'), runCompleted('done', 4)]) done.writer.append(e);
      await done.writer.close();
      const cut = await s.create('cut');
      for (const e of makeRun(3, 'cut')) cut.writer.append(e);
      await cut.writer.close();
      const empty = await s.create('empty');
      await empty.writer.close();
      const list = await s.list();
      expect(list.map((j) => j.id).sort()).toEqual(['cut', 'done', 'empty']);
      expect(list.find((j) => j.id === 'done')?.completed).toBe(true);
      expect(list.find((j) => j.id === 'cut')?.completed).toBe(false);
      expect(await s.unfinished()).toEqual(['cut']);
      expect(await s.delete('cut')).toBe(true);
      expect(await s.delete('cut')).toBe(false);
      expect(await s.unfinished()).toEqual([]);
    });

    it('reopens an unfinished journal and goes on after its last event', async () => {
      const s = await store();
      const { id, writer } = await s.create('resume-me');
      const events = [...makeRun(6, 'resume-me'), runCompleted('resume-me', 7)];
      for (const e of events.slice(0, 4)) writer.append(e);
      await writer.close();
      const opened = await s.reopen(id);
      expect(opened.events).toEqual(events.slice(0, 4));
      for (const e of events.slice(4)) opened.writer.append(e);
      await opened.writer.close();
      expect(await s.read(id)).toEqual(events);
      expect(await s.unfinished()).toEqual([]);
    });

    it('fences a second writer: a seq is stored once, whoever commits it first', async () => {
      const s = await store();
      const { id, writer } = await s.create('fenced');
      for (const e of makeRun(3, 'fenced')) writer.append(e);
      await writer.flush();
      const stale = await s.reopen(id);
      writer.append(messageSent('fenced', 4, 'first'));
      await writer.close();
      stale.writer.append(messageSent('fenced', 4, 'second'));
      await expect(stale.writer.flush()).rejects.toThrow();
      expect((await s.read(id, 4)).map((e) => (e.type === 'message.sent' ? e.content : ''))).toEqual(['first']);
    });

    it('follows from a seq: catch-up, then appends as they commit (seen from another handle), ending after run.completed', async () => {
      const s = await store();
      const other = reader ? await reader(s) : s;
      const { id, writer } = await s.create('followed');
      const events = [...makeRun(30, 'followed'), runCompleted('followed', 31)];
      for (const e of events.slice(0, 10)) writer.append(e);
      await writer.flush();
      const got: RunEvent[] = [];
      const following = (async () => {
        for await (const e of other.follow(id, 5, new AbortController().signal)) {
          got.push(e);
          if (got.length === 6) {
            // Appends after the follower caught up reach it live.
            for (const later of events.slice(10)) writer.append(later);
            void writer.flush();
          }
        }
      })();
      await following;
      await writer.close();
      expect(got).toEqual(events.slice(4));
    });

    it('stops following when the signal aborts', async () => {
      const s = await store();
      const { id, writer } = await s.create('stopped');
      for (const e of makeRun(2, 'stopped')) writer.append(e);
      await writer.flush();
      const abort = new AbortController();
      const got: number[] = [];
      for await (const e of s.follow(id, 1, abort.signal)) {
        got.push(e.seq);
        if (e.seq === 2) abort.abort();
      }
      expect(got).toEqual([1, 2]);
      await writer.close();
    });
  });
}
