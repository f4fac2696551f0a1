import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileJournalWriter, type JournalFileHandle } from './fileJournalWriter';
import { JournalError } from './journalError';
import { journalWriterConformance } from './journalWriterConformance';
import { readJournalFile } from './readJournal';
import { makeRun, toJsonl } from './testEvents';

let dir = '';
let opened: FileJournalWriter[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-journal-writer-'));
  opened = [];
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(opened.map((writer) => writer.close().catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
});

async function create(name: string, options: { highWaterMark?: number; flushThreshold?: number } = {}) {
  const writer = await FileJournalWriter.create(join(dir, name), options);
  opened.push(writer);
  return writer;
}

let counter = 0;
journalWriterConformance('FileJournalWriter', async (options) => {
  const writer = await create(`run-${++counter}.jsonl`, options);
  return {
    writer,
    readBack: async () => {
      const result = await readJournalFile(writer.path);
      expect(result.torn).toBeNull();
      return result.events;
    },
    syncs: () => writer.stats.syncs,
  };
});

/** Lets pending I/O callbacks and promise jobs run, without timers (which some tests fake). */
async function settleIo(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits, turn by turn of the event loop, until the writer's state says so (vitest's timeout bounds it). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('FileJournalWriter', () => {
  it('writes one JSON line per event, creating parent directories', async () => {
    const events = makeRun(3);
    const writer = await create('a/b/run.jsonl');
    for (const event of events) writer.append(event);
    await writer.close();
    expect(await readFile(join(dir, 'a/b/run.jsonl'), 'utf8')).toBe(toJsonl(events));
    expect(writer.stats.bytes).toBe((await stat(writer.path)).size);
  });

  it('refuses to create a journal that exists, leaving it untouched', async () => {
    const path = join(dir, 'run.jsonl');
    await writeFile(path, 'saved run\n');
    const error = await FileJournalWriter.create(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).code).toBe('EEXIST');
    expect((error as JournalError).message).toBe(`${path}: journal already exists`);
    expect(await readFile(path, 'utf8')).toBe('saved run\n');
  });

  it('group-commits: appends made while a flush runs ride on the next one', async () => {
    const writer = await create('run.jsonl');
    const events = makeRun(1000);
    const flushes = events.map((event) => {
      writer.append(event);
      return writer.flush();
    });
    await Promise.all(flushes);
    // The first flush carries one event; everything appended during it rides on the second.
    expect(writer.stats.syncs).toBeLessThanOrEqual(3);
    expect(writer.stats.writes).toBe(writer.stats.syncs);
    expect((await readJournalFile(writer.path)).events).toEqual(events);
  });

  it('starts a flush 5 ms after the first append, so a live reader sees events without flush()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const writer = await create('run.jsonl');
    const [first] = makeRun(1);
    writer.append(first!);
    await settleIo();
    expect(writer.stats.syncs).toBe(0);
    vi.advanceTimersByTime(5);
    await until(() => writer.stats.syncs === 1);
    expect(await readFile(writer.path, 'utf8')).toBe(toJsonl([first!]));
  });

  it('starts a flush at once when the buffer reaches flushThreshold', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const writer = await create('run.jsonl', { flushThreshold: 1000 });
    const events = makeRun(10);
    for (const event of events) writer.append(event);
    await until(() => writer.stats.syncs >= 1); // no timer ran: the threshold started it
    expect(writer.stats.bytes).toBeGreaterThanOrEqual(1000);
  });

  it('flushes by itself with real timers (group commit, no flush() asked for)', async () => {
    const writer = await create('run.jsonl');
    const [first] = makeRun(1);
    writer.append(first!);
    // The commit timer's sync is the event waited for; how fast it comes is the bench's business.
    await until(() => writer.stats.syncs >= 1);
    expect(await readFile(writer.path, 'utf8')).toBe(toJsonl([first!]));
  });

  describe('when the disk fails', () => {
    async function faulty(fail: { write?: boolean; datasync?: boolean }) {
      const path = join(dir, 'run.jsonl');
      const handle = await open(path, 'wx');
      const state = { closed: false };
      const eio = (call: string) => Object.assign(new Error(`EIO: i/o error, ${call}`), { code: 'EIO' });
      const wrapped: JournalFileHandle = {
        write: ((...args: Parameters<typeof handle.write>) => (fail.write ? Promise.reject(eio('write')) : handle.write(...args))) as JournalFileHandle['write'],
        datasync: () => (fail.datasync ? Promise.reject(eio('fdatasync')) : handle.datasync()),
        sync: () => handle.sync(),
        close: async () => {
          state.closed = true;
          await handle.close();
        },
      };
      return { path, state, writer: new FileJournalWriter(path, wrapped, { highWaterMark: 100 }) };
    }

    it('rejects the pending flush, then every append, flush, drain and close, naming the file and cause', async () => {
      const fail = { datasync: false };
      const { path, state, writer } = await faulty(fail);
      const [first, second, third] = makeRun(3);
      writer.append(first!);
      await writer.flush();

      fail.datasync = true;
      writer.append(second!);
      await expect(writer.flush()).rejects.toThrow(`${path}: journal fdatasync failed: EIO: i/o error, fdatasync`);
      expect(() => writer.append(third!)).toThrow(`${path}: cannot append, an earlier write failed: EIO: i/o error, fdatasync`);
      await expect(writer.flush()).rejects.toBeInstanceOf(JournalError);
      await expect(writer.drain()).rejects.toBeInstanceOf(JournalError);
      await expect(writer.close()).rejects.toThrow(/fdatasync failed/);
      expect(state.closed).toBe(true);
    });

    it('rejects a pending drain when a background write fails', async () => {
      const { path, writer } = await faulty({ write: true });
      const [first] = makeRun(1);
      expect(writer.append(first!)).toBe(false); // over the 100-byte high-water mark
      const error = await writer.drain().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JournalError);
      expect((error as JournalError).cause).toMatchObject({ code: 'EIO' });
      expect((error as Error).message).toBe(`${path}: journal write failed: EIO: i/o error, write`);
      await expect(writer.close()).rejects.toBe(error);
    });
  });
});
