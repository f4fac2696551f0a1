import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/runEvent';
import { JournalError } from '../store/journalError';
import { messageSent, runStarted } from '../store/testEvents';
import { JournalCache } from './journalCache';

const lines = (events: RunEvent[]): string => events.map((e) => `${JSON.stringify(e)}\n`).join('');
const journal = (runId: string, n: number): RunEvent[] => [runStarted(runId), ...Array.from({ length: n - 1 }, (_, i) => messageSent(runId, i + 2))];

describe('JournalCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'journal-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parses an unchanged journal once and shares the events between readers', async () => {
    const path = join(dir, 'a.jsonl');
    await writeFile(path, lines(journal('a', 50)));
    const cache = new JournalCache();
    const [one, two] = await Promise.all([cache.events(path), cache.events(path)]);
    expect(one).toHaveLength(50);
    expect(two).toBe(one);
    expect(await cache.events(path)).toBe(one);
  });

  it('reads again when the journal grew or was replaced', async () => {
    const path = join(dir, 'a.jsonl');
    const all = journal('a', 30);
    await writeFile(path, lines(all.slice(0, 20)));
    const cache = new JournalCache();
    const first = await cache.events(path);
    expect(first).toHaveLength(20);
    await appendFile(path, lines(all.slice(20)));
    const grown = await cache.events(path);
    expect(grown).toHaveLength(30);
    expect(grown.at(-1)?.seq).toBe(30);
    // Another file moved into place (same size is possible): the inode tells them apart.
    const other = join(dir, 'b.jsonl');
    await writeFile(other, lines(journal('b', 30)));
    await rename(other, path);
    const replaced = await cache.events(path);
    expect(replaced[0]?.runId).toBe('b');
  });

  it('keeps the files it holds under its byte bound, dropping the least recently used', async () => {
    const paths = ['a', 'b', 'c'].map((id) => join(dir, `${id}.jsonl`));
    for (const [i, p] of paths.entries()) await writeFile(p, lines(journal(String(i), 40)));
    const size = lines(journal('0', 40)).length;
    const cache = new JournalCache(size * 2 + 10);
    const a = await cache.events(paths[0]!);
    await cache.events(paths[1]!);
    expect(await cache.events(paths[0]!)).toBe(a); // a is now the most recently used
    await cache.events(paths[2]!); // b goes
    expect(cache.size).toBe(2);
    expect(await cache.events(paths[0]!)).toBe(a);
  });

  it('never holds a journal larger than its bound', async () => {
    const path = join(dir, 'big.jsonl');
    await writeFile(path, lines(journal('big', 100)));
    const cache = new JournalCache(1000);
    const one = await cache.events(path);
    expect(one).toHaveLength(100);
    expect(cache.size).toBe(0);
    expect(await cache.events(path)).not.toBe(one);
  });

  it('reports a missing or corrupt journal as a located JournalError, and does not remember it', async () => {
    const cache = new JournalCache();
    const missing = join(dir, 'none.jsonl');
    const error = await cache.events(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).code).toBe('ENOENT');
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${lines(journal('bad', 3))}{"not":"an event"}\n${lines([messageSent('bad', 4)])}`);
    await expect(cache.events(bad)).rejects.toThrow(/bad\.jsonl:4: not a valid run event/);
    expect(cache.size).toBe(0);
  });
});
