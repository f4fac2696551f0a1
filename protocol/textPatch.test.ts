import { describe, expect, it } from 'vitest';
import { textPatch } from './textPatch';

const apply = (text: string, p: ReturnType<typeof textPatch>) => text.slice(0, p.offset) + p.text + text.slice(p.offset + p.length);

describe('textPatch', () => {
  it('replaces only what changed, keeping the common prefix and suffix', () => {
    expect(textPatch('agents:\n  a: 1\n  b: 2\n', 'agents:\n  a: 1\n  c: 3\n  b: 2\n')).toEqual({ offset: 17, length: 0, text: 'c: 3\n  ' });
    expect(textPatch('same', 'same')).toEqual({ offset: 4, length: 0, text: '' });
    expect(textPatch('abc', '')).toEqual({ offset: 0, length: 3, text: '' });
  });

  it('turns any text into any other (repeated characters, prefix overlapping suffix, UTF-16 pairs)', () => {
    const cases: [string, string][] = [
      ['aaaa', 'aa'],
      ['aa', 'aaaa'],
      ['abcabc', 'abc'],
      ['x🙂y', 'x🙃y'],
      ['', 'new'],
      ['line\r\n', 'line\n'],
    ];
    for (const [before, after] of cases) expect(apply(before, textPatch(before, after)), `${before} → ${after}`).toBe(after);
  });
});
