import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as reference from 'gpt-tokenizer';
import ranks from 'gpt-tokenizer/bpeRanks/o200k_base';
import { describe, expect, it } from 'vitest';
import { countTokens, decode, encode } from './o200k';
import { o200kRankBytes } from './o200kRankBytes';
import { RankTable } from './rankTable';

/** Texts unlike each other: every squad file of the repository, prose, code, scripts, emoji, broken UTF-16. */
function corpus(): string[] {
  const root = join(__dirname, '..', '..');
  const squads = ['samples/credit-memo', 'samples/loan-pricing', 'samples/failure-modes'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.squad.yaml'))
      .map((f) => readFileSync(join(root, dir, f), 'utf8')),
  );
  return [
    ...squads,
    readFileSync(join(root, 'README.md'), 'utf8'),
    readFileSync(join(__dirname, 'rankTable.ts'), 'utf8'),
    'The borrower\u2019s DSCR is 1.42x on FY2025 EBITDA of $4.1M, above the 1.25x covenant.',
    'Größenwahn, naïve café, 東京都の天気は晴れ, Привет, мир! مرحبا بالعالم 안녕하세요 สวัสดี',
    '👨‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇫🇷 \u{1F600}\u{1F4A9}',
    'lone \uD800 high, lone \uDC00 low, reversed \uDC00\uD800 pair',
    '\u0000\u0001\u007F\u0080\u00FF tabs\t\tand\r\nnewlines\n\n\n   spaces   ',
    'x'.repeat(1500),
    '{"a":[1,2,3],"b":{"c":"d"}}'.repeat(20),
    '',
  ];
}

describe('o200k', () => {
  it('looks up every rank of the package, string tokens by text and byte tokens by bytes, and no other text', () => {
    const table = RankTable.open(o200kRankBytes());
    expect(table.size).toBe(ranks.length);
    const bytes = new Map(table.binarySorted.map(([b, rank]) => [rank, b]));
    ranks.forEach((token, rank) => {
      if (typeof token === 'string') {
        if (table.get(token) !== rank || table.tokenAt(rank) !== token) expect.fail(`rank ${rank} (${JSON.stringify(token)})`);
      } else if (table.tokenAt(rank) !== bytes.get(rank) || String(bytes.get(rank)) !== String(token)) {
        expect.fail(`byte token ${rank}`);
      }
    });
    for (const absent of ['', 'qzxqzxqzx', 'hello world and more', '\uD800']) expect(table.get(absent)).toBeUndefined();
    // Sorted as gpt-tokenizer's binary search needs: bytewise, then shorter first.
    const order = table.binarySorted.map(([b]) => Buffer.from(b));
    expect(order.every((b, i) => i === 0 || Buffer.compare(order[i - 1]!, b) < 0)).toBe(true);
  });

  it('counts, encodes and decodes as gpt-tokenizer does', () => {
    for (const text of corpus()) {
      const tokens = reference.encode(text);
      expect(encode(text)).toEqual(tokens);
      expect(countTokens(text)).toBe(reference.countTokens(text));
      expect(decode(tokens)).toBe(reference.decode(tokens));
      // A cut at a token boundary (the simulated model's max_tokens) decodes the same, half characters too.
      const half = tokens.slice(0, Math.ceil(tokens.length / 2));
      expect(decode(half)).toBe(reference.decode(half));
    }
  });

  it('refuses a special token in the text, as gpt-tokenizer does', () => {
    expect(() => reference.countTokens('a <|endoftext|> b')).toThrow(/Disallowed special token/);
    expect(() => countTokens('a <|endoftext|> b')).toThrow(/Disallowed special token/);
  });
});
