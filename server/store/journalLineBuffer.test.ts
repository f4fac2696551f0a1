import { describe, expect, it } from 'vitest';
import { JournalLineBuffer } from './journalLineBuffer';

describe('JournalLineBuffer', () => {
  it('encodes committed lines as UTF-8 with a newline each, and reports their exact sizes', () => {
    const lines = new JournalLineBuffer(16);
    const texts = ['{"a":1}', '{"é":"😀"}', '{"x":"' + 'y'.repeat(100) + '"}'];
    for (const text of texts) {
      const bytes = lines.stage(text);
      expect(bytes).toBe(Buffer.byteLength(text) + 1);
      lines.commit(bytes);
    }
    expect(lines.length).toBe(texts.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0));
    expect(lines.take().toString('utf8')).toBe(texts.map((t) => `${t}\n`).join(''));
    expect(lines.length).toBe(0);
  });

  it('drops a staged line that was not committed, and a later stage replaces it', () => {
    const lines = new JournalLineBuffer(16);
    lines.commit(lines.stage('first'));
    lines.stage('a line replaced before it was kept');
    lines.commit(lines.stage('second'));
    lines.stage('never kept');
    expect(lines.take().toString('utf8')).toBe('first\nsecond\n');
  });

  it('never writes into bytes it handed out: the next batch goes to a new buffer', () => {
    const lines = new JournalLineBuffer(16);
    lines.commit(lines.stage('one'));
    const taken = lines.take();
    lines.commit(lines.stage('two, longer than the first batch was'));
    expect(taken.toString('utf8')).toBe('one\n');
    expect(lines.take().toString('utf8')).toBe('two, longer than the first batch was\n');
  });

  it('grows for a line far larger than its capacity, keeping what it holds', () => {
    const lines = new JournalLineBuffer(16);
    lines.commit(lines.stage('head'));
    const big = '€'.repeat(50_000); // 3 bytes each
    expect(lines.stage(big)).toBe(150_001);
    lines.commit(150_001);
    const out = lines.take();
    expect(out.length).toBe(5 + 150_001);
    expect(out.toString('utf8')).toBe(`head\n${big}\n`);
  });
});
