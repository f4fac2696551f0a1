/** A byte-pair ranks array as gpt-tokenizer ships it: index = rank, value = the token's text, or its bytes when they are not UTF-8. */
export type RawRanks = readonly (string | readonly number[])[];

/**
 * The packed form of a ranks array, as `packRanks` writes it and `RankTable.open` reads it without
 * a loop over the tokens: the string tokens' text in one UTF-16 block, where each token starts in it
 * (a non-UTF-8 token is an empty span), an open-addressing hash table of the string tokens (FNV-1a
 * over UTF-16 code units, linear probing, rank + 1 per slot, 0 = empty), and the non-UTF-8 tokens'
 * bytes, sorted as gpt-tokenizer sorts them for its binary search. Little-endian, every section
 * 4-byte aligned:
 *
 *   u32 magic, u32 count, u32 hash bits, u32 text units, u32 non-UTF-8 section bytes, u32 non-UTF-8 tokens
 *   u32 start of each token's text (UTF-16 units), and the end of the last: count + 1 words
 *   i32 hash table (2^bits slots)
 *   non-UTF-8 tokens, sorted by bytes: u32 rank, u8 length, the bytes (section padded to 4)
 *   u16 text of the string tokens, in rank order
 */
const MAGIC = 0x32524b53; // "SKR2"
const HEADER_WORDS = 6;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashOf(text: string, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** gpt-tokenizer's order of byte tokens (compareUint8Arrays): bytewise, then shorter first. */
function compareBytes(a: readonly number[], b: readonly number[]): number {
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function packRanks(ranks: RawRanks): Uint8Array {
  const count = ranks.length;
  const lengths = new Uint8Array(count);
  const texts: string[] = [];
  const binary: [readonly number[], number][] = [];
  let units = 0;
  for (let rank = 0; rank < count; rank++) {
    const token = ranks[rank];
    if (typeof token === 'string') {
      if (token.length === 0 || token.length > 255) throw new Error(`rank ${rank}: a token of ${token.length} UTF-16 units does not fit the packed form (1-255)`);
      lengths[rank] = token.length;
      texts.push(token);
      units += token.length;
    } else if (token !== undefined) {
      if (token.length === 0 || token.length > 255) throw new Error(`rank ${rank}: a token of ${token.length} bytes does not fit the packed form (1-255)`);
      binary.push([token, rank]);
    } else {
      throw new Error(`rank ${rank} is missing: the packed form holds only dense ranks`);
    }
  }
  binary.sort((a, b) => compareBytes(a[0], b[0]));
  // A load factor under 1/2 keeps probes short.
  let bits = 1;
  while (1 << bits < 2 * texts.length) bits++;
  const text = texts.join('');
  const table = new Int32Array(1 << bits);
  const mask = table.length - 1;
  for (let rank = 0, at = 0; rank < count; rank++) {
    const len = lengths[rank]!;
    if (len === 0) continue;
    let slot = hashOf(text, at, at + len) & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = rank + 1;
    at += len;
  }
  const binaryBytes = align4(binary.reduce((n, [bytes]) => n + 5 + bytes.length, 0));
  const startsAt = HEADER_WORDS * 4;
  const tableAt = startsAt + 4 * (count + 1);
  const binaryAt = tableAt + table.byteLength;
  const textAt = binaryAt + binaryBytes;
  const out = new Uint8Array(textAt + units * 2);
  const view = new DataView(out.buffer);
  [MAGIC, count, bits, units, binaryBytes, binary.length].forEach((word, i) => view.setUint32(i * 4, word, true));
  for (let rank = 0, at = 0; rank <= count; rank++) {
    view.setUint32(startsAt + rank * 4, at, true);
    at += lengths[rank] ?? 0;
  }
  table.forEach((v, i) => view.setInt32(tableAt + i * 4, v, true));
  let at = binaryAt;
  for (const [bytes, rank] of binary) {
    view.setUint32(at, rank, true);
    out[at + 4] = bytes.length;
    out.set(bytes, at + 5);
    at += 5 + bytes.length;
  }
  for (let i = 0; i < text.length; i++) view.setUint16(textAt + i * 2, text.charCodeAt(i), true);
  return out;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A ranks array opened from its packed form (`packRanks`) in a few milliseconds: one string for all
 * token texts and typed-array views of the file, where building gpt-tokenizer's own Map of 200,000
 * strings from the JSON array takes about 80 ms. `get` answers as that Map does, for any string.
 */
export class RankTable {
  /** How many ranks (the mergeable tokens, without the special ones). */
  readonly size: number;
  /** The non-UTF-8 tokens as gpt-tokenizer keeps them: sorted by bytes (its binary search), and by rank. */
  readonly binarySorted: [Uint8Array, number][] = [];
  readonly binaryByRank = new Map<number, Uint8Array>();
  /** Where each rank's text starts in `text`; `starts[rank + 1] - starts[rank]` is its length (0: a non-UTF-8 token). */
  private readonly starts: Uint32Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly text: string;

  private constructor(bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const word = (i: number): number => view.getUint32(i * 4, true);
    if (bytes.byteLength < HEADER_WORDS * 4 || word(0) !== MAGIC) throw new Error('not a packed ranks file (bad magic): rebuild it with npm run build');
    const [count, bits, units, binaryBytes, binaryCount] = [word(1), word(2), word(3), word(4), word(5)];
    const startsAt = HEADER_WORDS * 4;
    const tableAt = startsAt + 4 * (count + 1);
    const binaryAt = tableAt + 4 * (1 << bits);
    const textAt = binaryAt + binaryBytes;
    if (bytes.byteLength !== textAt + units * 2) throw new Error(`packed ranks file is ${bytes.byteLength} bytes, its header says ${textAt + units * 2}: rebuild it with npm run build`);
    this.size = count;
    // Views where the layout allows (the file's buffer aligned, the host little-endian), copies where not.
    const aligned = littleEndian && (bytes.byteOffset & 3) === 0;
    this.starts = aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset + startsAt, count + 1) : Uint32Array.from({ length: count + 1 }, (_, i) => view.getUint32(startsAt + i * 4, true));
    this.table = aligned ? new Int32Array(bytes.buffer, bytes.byteOffset + tableAt, 1 << bits) : Int32Array.from({ length: 1 << bits }, (_, i) => view.getInt32(tableAt + i * 4, true));
    this.mask = (1 << bits) - 1;
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset + textAt, units * 2).toString('utf16le');
    // One copy of the byte tokens' section; each token a view of it (gpt-tokenizer only reads them).
    const binary = bytes.slice(binaryAt, textAt);
    for (let i = 0, at = 0; i < binaryCount; i++) {
      const rank = view.getUint32(binaryAt + at, true);
      const token = new Uint8Array(binary.buffer, binary.byteOffset + at + 5, binary[at + 4]);
      this.binarySorted.push([token, rank]);
      this.binaryByRank.set(rank, token);
      at += 5 + token.length;
    }
  }

  static open(bytes: Uint8Array): RankTable {
    return new RankTable(bytes);
  }

  /** The rank of a string token, as `Map.get` on gpt-tokenizer's string-to-rank map answers. */
  get(key: string): number | undefined {
    const len = key.length;
    const { table, mask, starts, text } = this;
    for (let slot = hashOf(key, 0, len) & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot]!;
      if (entry === 0) return undefined;
      const rank = entry - 1;
      const at = starts[rank]!;
      if (starts[rank + 1]! - at !== len) continue;
      let i = 0;
      while (i < len && text.charCodeAt(at + i) === key.charCodeAt(i)) i++;
      if (i === len) return rank;
    }
  }

  /** A rank's token as the ranks array holds it: its text, its bytes (a non-UTF-8 token), or undefined past the end. */
  tokenAt(rank: number): string | Uint8Array | undefined {
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.size) return undefined;
    const at = this.starts[rank]!;
    const end = this.starts[rank + 1]!;
    return at === end ? this.binaryByRank.get(rank) : this.text.slice(at, end);
  }
}
