import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileJournalStore } from './fileJournalStore';
import { JournalError } from './journalError';
import { makeRun, toJsonl } from './testEvents';

let root = '';
let store: FileJournalStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'squad-journal-store-'));
  store = FileJournalStore.forWorkspace(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('FileJournalStore', () => {
  it('keeps journals in <workspace>/.squad/runs/<runId>.jsonl', () => {
    expect(store.dir).toBe(join(root, '.squad', 'runs'));
    expect(store.pathFor('run-1')).toBe(join(root, '.squad', 'runs', 'run-1.jsonl'));
  });

  it('never overwrites a saved run: the same run id goes to -2, -3 …', async () => {
    const paths: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const { path, writer } = await store.createWriter('run-1');
      writer.append(makeRun(i)[i - 1]!);
      await writer.close();
      paths.push(path);
    }
    expect(paths).toEqual(['run-1.jsonl', 'run-1-2.jsonl', 'run-1-3.jsonl'].map((name) => join(store.dir, name)));
    expect(await readFile(paths[0]!, 'utf8')).toBe(toJsonl(makeRun(1)));
    expect(await readFile(paths[2]!, 'utf8')).toBe(toJsonl(makeRun(3).slice(2)));
  });

  it('lists .jsonl journals newest first, with size and mtime, and none when the directory is absent', async () => {
    expect(await store.list()).toEqual([]);
    await mkdir(join(store.dir, 'sub.jsonl'), { recursive: true });
    await writeFile(join(store.dir, 'notes.txt'), 'not a journal');
    const times: Record<string, number> = { old: 1_000, newest: 3_000, middle: 2_000 };
    for (const [id, seconds] of Object.entries(times)) {
      await writeFile(join(store.dir, `${id}.jsonl`), id);
      await utimes(join(store.dir, `${id}.jsonl`), seconds, seconds);
    }
    const list = await store.list();
    expect(list.map((info) => info.id)).toEqual(['newest', 'middle', 'old']);
    expect(list[0]).toEqual({ id: 'newest', path: join(store.dir, 'newest.jsonl'), size: 6, mtime: new Date(3_000_000) });
  });

  it('reads a journal by run id, list id, file name or path', async () => {
    const events = makeRun(5);
    const first = await store.createWriter('run-1');
    const second = await store.createWriter('run-1');
    for (const { writer } of [first, second]) {
      for (const event of events) writer.append(event);
      await writer.close();
    }
    expect((await store.read('run-1')).events).toEqual(events);
    expect((await store.read('run-1-2')).events).toEqual(events);
    expect((await store.read('run-1-2.jsonl')).events).toEqual(events);
    expect((await store.read(second.path)).events).toEqual(events);
  });

  it('refuses run ids that are not plain file names', async () => {
    for (const bad of ['', '../escape', 'a/b', 'a\\b', '.hidden', 'c:x', 'nul\0']) {
      expect(() => store.pathFor(bad)).toThrow(JournalError);
      await expect(store.createWriter(bad)).rejects.toThrow(/invalid run id/);
    }
  });
});
