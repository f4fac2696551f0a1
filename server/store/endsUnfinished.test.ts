import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endsUnfinished } from './endsUnfinished';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-ends-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (seq: number, type: string, extra = ''): string => `{"runId":"r","seq":${seq},"type":"${type}"${extra}}\n`;
const journal = async (name: string, text: string): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

describe('endsUnfinished', () => {
  it('tells a finished journal from one that stops mid-run', async () => {
    expect(await endsUnfinished(await journal('done.jsonl', line(1, 'run.started') + line(2, 'run.completed')))).toBe(false);
    expect(await endsUnfinished(await journal('cut.jsonl', line(1, 'run.started') + line(2, 'message.sent')))).toBe(true);
  });

  it('drops a torn tail: the last complete line decides', async () => {
    const torn = line(1, 'run.started') + line(2, 'run.completed') + '{"runId":"r","seq":3,"ty';
    expect(await endsUnfinished(await journal('torn.jsonl', torn))).toBe(false);
  });

  it('finds a last line longer than the first window (a long result) in the wider one', async () => {
    const filler = Array.from({ length: 200 }, (_, i) => line(i + 1, 'message.sent')).join('');
    const long = line(201, 'run.completed', `,"result":"${'x'.repeat(20_000)}"`);
    expect(await endsUnfinished(await journal('long.jsonl', filler + long))).toBe(false);
    expect(await endsUnfinished(await journal('long-cut.jsonl', filler + line(201, 'message.sent', `,"content":"${'x'.repeat(20_000)}"`)))).toBe(true);
  });

  it('is false for an empty or missing file: nothing to resume', async () => {
    expect(await endsUnfinished(await journal('empty.jsonl', ''))).toBe(false);
    expect(await endsUnfinished(join(dir, 'missing.jsonl'))).toBe(false);
  });
});
