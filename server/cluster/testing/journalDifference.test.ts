import { describe, expect, it } from 'vitest';
import { describeDifference, journalDifference } from './journalDifference';

const line = (seq: number, type: string, extra = ''): string => `{"seq":${seq},"type":"${type}"${extra}}`;

describe('journalDifference', () => {
  it('is null for the same bytes', () => {
    const j = `${line(1, 'run.started')}\n${line(2, 'run.completed')}\n`;
    expect(journalDifference(j, j)).toBeNull();
  });

  it("names the first line that differs, its seq, each side's type and both lines around the first different character", () => {
    const same = line(1, 'run.started');
    const resumed = `${same}\n${line(2, 'tool.replica.up', ',"atMs":64296')}\n`;
    const uninterrupted = `${same}\n${line(2, 'tool.result', ',"ok":true')}\n`;
    const d = journalDifference(resumed, uninterrupted);
    expect(d).toEqual({
      line: 2,
      column: 25,
      seq: 2,
      resumed: { type: 'tool.replica.up', json: line(2, 'tool.replica.up', ',"atMs":64296') },
      uninterrupted: { type: 'tool.result', json: line(2, 'tool.result', ',"ok":true') },
    });
    expect(describeDifference(d!)).toBe(
      `line 2, column 25 (seq 2): resumed tool.replica.up ${line(2, 'tool.replica.up', ',"atMs":64296')} | uninterrupted tool.result ${line(2, 'tool.result', ',"ok":true')}`,
    );
  });

  it('tells a torn or missing line apart, and trims long lines to a window with ellipses', () => {
    const long = line(1, 'tool.result', `,"content":"${'x'.repeat(1000)}"`);
    const torn = long.slice(0, 600);
    const d = journalDifference(torn, `${long}\n`)!;
    expect(d).toMatchObject({ line: 1, column: 601, seq: 1, resumed: { type: null }, uninterrupted: { type: 'tool.result' } });
    expect(d.resumed.json).toMatch(/^…x{120}$/);
    expect(d.uninterrupted.json).toMatch(/^…x{360}…$/);
    expect(journalDifference(`${long}\n`, `${long}\n${line(2, 'run.completed')}\n`)).toMatchObject({ line: 2, seq: 2, resumed: { type: null, json: '' }, uninterrupted: { type: 'run.completed' } });
  });
});
