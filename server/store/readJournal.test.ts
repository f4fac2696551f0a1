import { mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FORMAT_VERSION, type RunEvent } from '../../protocol/runEvent';
import { FileJournalWriter } from './fileJournalWriter';
import { JournalError } from './journalError';
import { parseJournal, readJournalFile } from './readJournal';
import { makeRun, messageSent, runStarted, toJsonl } from './testEvents';

let dir = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-read-journal-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJournal(events: readonly RunEvent[], name = 'run.jsonl'): Promise<string> {
  const writer = await FileJournalWriter.create(join(dir, name));
  for (const event of events) writer.append(event);
  await writer.close();
  return writer.path;
}

/** The error `fn` throws (sync or async), for asserting on its message and fields. */
async function caught(fn: () => unknown): Promise<JournalError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(JournalError);
    return error as JournalError;
  }
  throw new Error('expected a JournalError');
}

describe('readJournalFile', () => {
  it('reads back what FileJournalWriter wrote', async () => {
    const events = makeRun(50);
    const path = await writeJournal(events);
    expect(await readJournalFile(path)).toEqual({ events, torn: null, warnings: [] });
  });

  it('drops a torn last line cut mid-write, reports it, and returns every earlier event', async () => {
    const events = makeRun(10);
    const path = await writeJournal(events);
    const lastLineBytes = Buffer.byteLength(JSON.stringify(events[9]) + '\n');
    await truncate(path, (await stat(path)).size - 20);

    const result = await readJournalFile(path);
    expect(result.events).toEqual(events.slice(0, 9));
    expect(result.torn).toEqual({ line: 10, bytes: lastLineBytes - 20, reason: expect.stringMatching(/no newline/) });
  });

  it('reports exact torn bytes when the cut splits a multi-byte character', async () => {
    const events = [runStarted('run-1'), messageSent('run-1', 2, 'naïve café ✓ 😀'.repeat(10))];
    const path = await writeJournal(events);
    const size = (await stat(path)).size;
    const lastLineBytes = Buffer.byteLength(JSON.stringify(events[1]) + '\n');
    await truncate(path, size - 30); // lands inside the emoji run
    const result = await readJournalFile(path);
    expect(result.events).toEqual(events.slice(0, 1));
    expect(result.torn).toMatchObject({ line: 2, bytes: lastLineBytes - 30 });
  });

  it('treats a complete last line that is not JSON (a crash left garbage) as torn', async () => {
    const events = makeRun(4);
    const path = join(dir, 'run.jsonl');
    await writeFile(path, toJsonl(events) + '\0\0\0\0\n');
    const result = await readJournalFile(path);
    expect(result.events).toEqual(events);
    expect(result.torn).toEqual({ line: 5, bytes: 5, reason: expect.stringMatching(/^not valid JSON/) });
  });

  it('throws path:line for a corrupt line that is not the last', async () => {
    const lines = toJsonl(makeRun(8)).split('\n');
    lines[4] = '{"runId":"run-1","seq":5,"t":';
    const path = join(dir, 'run.jsonl');
    await writeFile(path, lines.join('\n'));
    const error = await caught(() => readJournalFile(path));
    expect(error.message).toMatch(new RegExp(`^${escape(path)}:5: not valid JSON`));
    expect(error.line).toBe(5);
    expect(error.path).toBe(path);
  });

  it('throws for a missing file, saying so', async () => {
    const path = join(dir, 'nope.jsonl');
    const error = await caught(() => readJournalFile(path));
    expect(error.message).toBe(`${path}: no such journal file`);
    expect(error.code).toBe('ENOENT');
  });

  it('reads an empty journal (a crash before the first flush) as no events', async () => {
    const path = join(dir, 'run.jsonl');
    await writeFile(path, '');
    expect(await readJournalFile(path)).toEqual({ events: [], torn: null, warnings: [] });
  });

  it('reads lines longer than its read chunk, and many lines, the same as parseJournal', async () => {
    const events: RunEvent[] = [runStarted('run-1')];
    events.push(messageSent('run-1', 2, 'é😀x'.repeat(700_000))); // ~5 MB, several chunks
    for (let seq = 3; seq <= 20_000; seq++) events.push(messageSent('run-1', seq));
    const path = await writeJournal(events);
    const fromFile = await readJournalFile(path);
    expect(fromFile.events.length).toBe(events.length);
    expect(fromFile.events[1]).toEqual(events[1]);
    expect(fromFile.events[19_999]).toEqual(events[19_999]);
    expect(fromFile.torn).toBeNull();
  });
});

describe('parseJournal', () => {
  const path = 'runs/run-1.jsonl';

  it('counts a valid last line without its newline as torn', () => {
    const events = makeRun(3);
    const text = toJsonl(events).slice(0, -1);
    const result = parseJournal(text, path);
    expect(result.events).toEqual(events.slice(0, 2));
    expect(result.torn).toEqual({
      line: 3,
      bytes: Buffer.byteLength(JSON.stringify(events[2])),
      reason: 'the last line has no newline: its write was cut short',
    });
  });

  it('throws path:line for a line that is JSON but not a run event, even the last', async () => {
    const events = makeRun(3);
    const bad = { ...events[2], content: 42 };
    const text = toJsonl(events.slice(0, 2)) + JSON.stringify(bad) + '\n';
    const error = await caught(() => parseJournal(text, path));
    expect(error.message).toBe(`${path}:3: not a valid "message.sent" run event: content: Invalid input: expected string, received number`);
  });

  it('throws on a seq gap, with the line', async () => {
    const events = [runStarted('run-1'), messageSent('run-1', 2), messageSent('run-1', 4)];
    const error = await caught(() => parseJournal(toJsonl(events), path));
    expect(error.message).toBe(`${path}:3: seq 4, expected 3 (events are missing)`);
  });

  it('throws when seq does not start at 1 or repeats', async () => {
    expect((await caught(() => parseJournal(toJsonl([messageSent('run-1', 2)]), path))).message).toBe(`${path}:1: seq 2, expected 1 (a journal starts at seq 1)`);
    const repeated = [runStarted('run-1'), messageSent('run-1', 2), messageSent('run-1', 2)];
    expect((await caught(() => parseJournal(toJsonl(repeated), path))).message).toMatch(/:3: seq 2, expected 3/);
  });

  it('throws when the runId changes, with the line', async () => {
    const events = [runStarted('run-1'), messageSent('run-1', 2), messageSent('run-2', 3)];
    const error = await caught(() => parseJournal(toJsonl(events), path));
    expect(error.message).toBe(`${path}:3: runId "run-2" differs from the journal's "run-1" (line 1)`);
  });

  it('refuses a journal from a newer Squad Studio, before trying to validate its events', async () => {
    const newer = JOURNAL_FORMAT_VERSION + 1;
    const text = JSON.stringify(runStarted('run-1', { formatVersion: newer })) + '\n' + JSON.stringify({ runId: 'run-1', seq: 2, type: 'some.future.event' }) + '\n';
    const error = await caught(() => parseJournal(text, path));
    expect(error.message).toBe(
      `${path}:1: this journal was written by a newer Squad Studio (journal format ${newer}; ` + `this version reads formats up to ${JOURNAL_FORMAT_VERSION}). Update Squad Studio to open it.`,
    );
  });

  it('throws for an unparsable line followed by an empty one (not the last line)', async () => {
    const text = toJsonl(makeRun(2)) + 'garbage\n\n';
    expect((await caught(() => parseJournal(text, path))).message).toMatch(new RegExp(`^${escape(path)}:3: not valid JSON`));
  });

  it('accepts CRLF line ends (a journal committed through git on Windows)', () => {
    const events = makeRun(3);
    expect(parseJournal(toJsonl(events).replaceAll('\n', '\r\n'), path).events).toEqual(events);
  });

  it('warns, without failing, about a journal that does not start with run.started or goes on after run.completed', () => {
    const completed: RunEvent = {
      runId: 'run-1',
      seq: 2,
      t: 30,
      agent: null,
      spanId: 'run',
      parentSpanId: null,
      type: 'run.completed',
      status: 'completed',
      result: 'done',
      reason: null,
      marks: [],
    };
    expect(parseJournal(toJsonl([runStarted('run-1'), completed, messageSent('run-1', 3)]), path).warnings).toEqual([`${path}:3: events after run.completed (line 2)`]);
    expect(parseJournal(toJsonl([{ ...messageSent('run-1', 1) }]), path).warnings).toEqual([`${path}:1: the journal starts with message.sent, not run.started`]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
