import { describe, expect, it } from 'vitest';
import { packRanks, RankTable } from './rankTable';

describe('RankTable', () => {
  it('reads back what packRanks wrote: string tokens by text, byte tokens by bytes and in sorted order', () => {
    const ranks = ['a', 'b', 'ab', [0xff, 0x01], 'héllo', [0x80], '🙂', [0xff]];
    const table = RankTable.open(packRanks(ranks));
    expect(table.size).toBe(8);
    expect(['a', 'b', 'ab', 'héllo', '🙂'].map((t) => table.get(t))).toEqual([0, 1, 2, 4, 6]);
    expect(['', 'abc', 'c', 'h'].map((t) => table.get(t))).toEqual([undefined, undefined, undefined, undefined]);
    expect([0, 4, 6, 8, -1].map((r) => table.tokenAt(r))).toEqual(['a', 'héllo', '🙂', undefined, undefined]);
    expect(table.binarySorted.map(([b, r]) => [[...b], r])).toEqual([
      [[0x80], 5],
      [[0xff], 7],
      [[0xff, 0x01], 3],
    ]);
    expect([...table.binaryByRank.get(3)!]).toEqual([0xff, 0x01]);
  });

  it('opens a packed table that does not start at an aligned offset', () => {
    const packed = packRanks(['x', 'yz', [0xfe]]);
    const shifted = new Uint8Array(packed.length + 1);
    shifted.set(packed, 1);
    const table = RankTable.open(shifted.subarray(1));
    expect([table.get('x'), table.get('yz'), table.tokenAt(1)]).toEqual([0, 1, 'yz']);
  });

  it('refuses what it cannot hold, and a file that is not its own, with the reason', () => {
    expect(() => packRanks(['a', ''])).toThrow(/rank 1: a token of 0 UTF-16 units/);
    expect(() => packRanks(['a', 'b'.repeat(256)])).toThrow(/rank 1: a token of 256 UTF-16 units/);
    const sparse: string[] = [];
    sparse[0] = 'a';
    sparse[2] = 'c';
    expect(() => packRanks(sparse)).toThrow(/rank 1 is missing/);
    expect(() => RankTable.open(new Uint8Array(32))).toThrow(/bad magic/);
    const packed = packRanks(['a', 'b']);
    expect(() => RankTable.open(packed.subarray(0, packed.length - 2))).toThrow(/header says/);
  });
});
