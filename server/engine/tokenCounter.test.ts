import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { countBounded, countText } from './tokenCounter';

describe('countText', () => {
  it('counts ordinary text exactly, as gpt-tokenizer does', () => {
    const memo = 'The borrower\u2019s DSCR is 1.42x on FY2025 EBITDA of $4.1M, above the 1.25x covenant. '.repeat(40);
    expect(countText(memo)).toBe(countTokens(memo));
    expect(countText('')).toBe(0);
  });

  it('counts a long run without whitespace in 1,024-character slices: linear, and at most one token per slice over', () => {
    const run = 'x'.repeat(300_000); // quadratic for BPE in one piece: over a minute
    const sliced = Math.ceil(run.length / 1024);
    const bounded = countBounded(run);
    expect(bounded).toBe(countTokens('x'.repeat(1024)) * (sliced - 1) + countTokens('x'.repeat(run.length % 1024)));
    const exactOfSmaller = countTokens('x'.repeat(20_000));
    const boundedOfSmaller = countBounded('x'.repeat(20_000));
    expect(boundedOfSmaller).toBeGreaterThanOrEqual(exactOfSmaller);
    expect(boundedOfSmaller - exactOfSmaller).toBeLessThanOrEqual(Math.ceil(20_000 / 1024));
  });

  it('counts the text around a long run exactly and the run in slices', () => {
    const text = `header line\n${'='.repeat(3000)}\nfooter line`;
    const expected = countTokens('header line\n') + countTokens('='.repeat(1024)) * 2 + countTokens('='.repeat(3000 - 2048)) + countTokens('\nfooter line');
    expect(countBounded(text)).toBe(expected);
  });
});
