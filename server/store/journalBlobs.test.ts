import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_LIMITS, type RunEvent, type RunEventOf } from '../../protocol/runEvent';
import { FileJournalWriter, type JournalFileHandle } from './fileJournalWriter';
import { JournalError } from './journalError';
import { parseJournal, readJournalFile } from './readJournal';
import { messageSent, runStarted } from './testEvents';

const LIMIT = JOURNAL_LIMITS.payloadBytes; // 262,144 bytes

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-blobs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, events: RunEvent[]): Promise<string> {
  const path = join(dir, name);
  const writer = await FileJournalWriter.create(path);
  for (const e of events) writer.append(e);
  await writer.close();
  return path;
}

function toolCall(runId: string, seq: number, args: Record<string, unknown>): RunEventOf<'tool.call'> {
  return { runId, seq, t: seq, agent: 'worker', spanId: `s${seq}`, parentSpanId: 'run', type: 'tool.call', callId: `c${seq}`, tool: 'bureau.fetch', args };
}

const sha = (text: string): string => `sha256-${createHash('sha256').update(text, 'utf8').digest('hex')}`;
const blobNames = async (): Promise<string[]> => (await readdir(join(dir, 'blobs')).catch(() => [])).sort();

describe('payloads by reference', () => {
  it('keeps a payload of exactly 256 KiB inline and stores one byte more by reference, read back in full', async () => {
    const at = 'a'.repeat(LIMIT);
    const over = 'b'.repeat(LIMIT + 1);
    const events = [runStarted('r'), messageSent('r', 2, at), messageSent('r', 3, over)];
    const path = await write('r.jsonl', events);

    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines[1]!.length).toBeGreaterThan(LIMIT); // inline
    expect(lines[2]!.length).toBeLessThan(1000); // by reference
    expect(JSON.parse(lines[2]!)).toMatchObject({ content: { $blob: sha(over), bytes: LIMIT + 1 }, $blobs: [['content']] });
    expect(await blobNames()).toEqual([sha(over)]);
    expect(await readFile(join(dir, 'blobs', sha(over)), 'utf8')).toBe(over);

    const read = await readJournalFile(path);
    expect(read.torn).toBeNull();
    // The very events appended, key order included.
    expect(read.events.map((e) => JSON.stringify(e))).toEqual(events.map((e) => JSON.stringify(e)));
  });

  it('measures UTF-8 bytes, not characters: 131,072 "é" stay inline, one more character does not', async () => {
    const at = 'é'.repeat(LIMIT / 2);
    const over = at + 'x';
    const path = await write('u.jsonl', [runStarted('u'), messageSent('u', 2, at), messageSent('u', 3, over)]);
    expect(await blobNames()).toEqual([sha(over)]);
    const read = await readJournalFile(path);
    expect((read.events[1] as RunEventOf<'message.sent'>).content).toBe(at);
    expect((read.events[2] as RunEventOf<'message.sent'>).content).toBe(over);
  });

  it('stores nested payloads (a tool argument) by reference and shares one blob between identical payloads', async () => {
    const big = 'q'.repeat(LIMIT + 10);
    const args = { query: big, options: { raw: [1, big], small: 'x' } };
    const events = [runStarted('n'), toolCall('n', 2, args), messageSent('n', 3, big)];
    const path = await write('n.jsonl', events);
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(JSON.parse(lines[1]!).$blobs).toEqual([
      ['args', 'query'],
      ['args', 'options', 'raw', 1],
    ]);
    expect(await blobNames()).toEqual([sha(big)]);
    const read = await readJournalFile(path);
    expect(read.events.map((e) => JSON.stringify(e))).toEqual(events.map((e) => JSON.stringify(e)));
  });

  it('leaves a tool argument that merely looks like a reference alone', async () => {
    const args = { $blob: sha('nothing'), bytes: 7, $blobs: [['args']] };
    const events = [runStarted('l'), toolCall('l', 2, args)];
    const path = await write('l.jsonl', events);
    expect((await readJournalFile(path)).events[1]).toEqual(events[1]);
  });

  it('reports a missing blob and a corrupt blob as path:line errors naming the field and the blob', async () => {
    const over = 'z'.repeat(LIMIT + 1);
    const path = await write('m.jsonl', [runStarted('m'), messageSent('m', 2, 'small'), messageSent('m', 3, over)]);
    const blob = join(dir, 'blobs', sha(over));

    await writeFile(blob, over.slice(0, -1) + 'y');
    const corrupt = await readJournalFile(path).catch((e: unknown) => e);
    expect(corrupt).toBeInstanceOf(JournalError);
    expect((corrupt as JournalError).message).toBe(
      `${path}:3: the payload of content is stored in ${blob}, which is corrupt (${LIMIT + 1} bytes with sha256 ${sha(over.slice(0, -1) + 'y').slice(7)}; the reference wants ${LIMIT + 1} bytes)`,
    );
    expect((corrupt as JournalError).line).toBe(3);

    await rm(blob);
    const missing = await readJournalFile(path).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(JournalError);
    expect((missing as JournalError).message).toBe(`${path}:3: the payload of content is stored in ${blob}, which is missing`);
  });

  it('refuses a malformed reference list, and refuses to parse text with references (the blobs are files)', async () => {
    const path = join(dir, 'bad.jsonl');
    const line = { ...messageSent('b', 2), content: { $blob: 'sha256-xyz', bytes: 3 }, $blobs: [['content']] };
    await writeFile(path, `${JSON.stringify(runStarted('b'))}\n${JSON.stringify(line)}\n${JSON.stringify(messageSent('b', 3))}\n`);
    await expect(readJournalFile(path)).rejects.toThrow(`${path}:2: "$blobs" names content, which is not a blob reference`);

    const over = 'p'.repeat(LIMIT + 1);
    const good = await write('g.jsonl', [runStarted('g'), messageSent('g', 2, over)]);
    expect(() => parseJournal(readFileSync(good, 'utf8'), good)).toThrow(`${good}:2: a payload is stored by reference`);
  });

  describe('crash safety', () => {
    /** A handle whose writes of the journal hang after `allowBytes`: the process "dies" there. */
    function dyingHandle(inner: JournalFileHandle, allowBytes: number): JournalFileHandle {
      let written = 0;
      return {
        write: (async (buffer: Buffer, offset: number, length: number, position: number) => {
          const room = Math.max(0, allowBytes - written);
          if (room === 0) return new Promise(() => {}); // never returns: killed mid-flush
          const n = Math.min(room, length);
          written += n;
          return inner.write(buffer, offset, n, position);
        }) as JournalFileHandle['write'],
        datasync: () => inner.datasync(),
        sync: () => inner.sync(),
        close: () => inner.close(),
      };
    }

    it('a crash after the blob and before its line leaves a readable journal (and an unreferenced blob)', async () => {
      const path = join(dir, 'c.jsonl');
      const first = [runStarted('c'), messageSent('c', 2)];
      const head = first.map((e) => JSON.stringify(e) + '\n').join('');
      const handle = await open(path, 'wx');
      const writer = new FileJournalWriter(path, dyingHandle(handle, Buffer.byteLength(head)));
      for (const e of first) writer.append(e);
      await writer.flush();
      const over = 'c'.repeat(LIMIT * 2);
      writer.append(messageSent('c', 3, over));
      // The blob reaches the disk, then the line's write never does.
      // (Its temporary file may show first: wait for the renamed, final name.)
      for (let i = 0; i < 400 && !(await blobNames()).includes(sha(over)); i++) await new Promise((r) => setTimeout(r, 5));
      expect(await blobNames()).toEqual([sha(over)]);
      expect((await stat(join(dir, 'blobs', sha(over)))).size).toBe(LIMIT * 2);

      const read = await readJournalFile(path);
      expect(read.torn).toBeNull();
      expect(read.events).toEqual(first);
      await handle.close();
    });

    it('a crash halfway through the referencing line leaves a torn last line that is dropped', async () => {
      const path = join(dir, 't.jsonl');
      const first = [runStarted('t'), messageSent('t', 2)];
      const head = first.map((e) => JSON.stringify(e) + '\n').join('');
      const handle = await open(path, 'wx');
      const writer = new FileJournalWriter(path, dyingHandle(handle, Buffer.byteLength(head) + 40));
      for (const e of first) writer.append(e);
      writer.append(messageSent('t', 3, 't'.repeat(LIMIT + 1)));
      for (let i = 0; i < 200 && (await stat(path)).size < Buffer.byteLength(head) + 40; i++) await new Promise((r) => setTimeout(r, 5));

      const read = await readJournalFile(path);
      expect(read.events).toEqual(first);
      expect(read.torn).toMatchObject({ line: 3, bytes: 40 });
      await handle.close();

      // And the run goes on from there: the cut line is dropped, the event written again.
      const resumed = await FileJournalWriter.resume(path, Buffer.byteLength(head));
      const again = messageSent('t', 3, 't'.repeat(LIMIT + 1));
      resumed.append(again);
      await resumed.close();
      expect((await readJournalFile(path)).events).toEqual([...first, again]);
    });
  });
});
