import { GptEncoding } from 'gpt-tokenizer/GptEncoding';
import { o200kRankBytes } from './o200kRankBytes';
import { RankTable } from './rankTable';

/**
 * gpt-tokenizer's o200k_base encoding (GPT-4o and later) with the same answers as the package's
 * `countTokens`, `encode` and `decode`, built in a few milliseconds instead of about 90.
 *
 * The package builds its encoder from a 200,000-entry array: a Map from every token's text to its
 * rank, a sorted list of the tokens that are not UTF-8. Here its own GptEncoding (its regex, special
 * tokens, byte-pair merge and caches: every line of the algorithm) is built on an empty array, and
 * its core's lookup structures are then set to a RankTable opened from the packed ranks, which
 * answers every lookup as the package's structures do (server/tokenizer/o200k.test.ts checks every
 * rank and the package's own answers on a corpus). The core's field names are gpt-tokenizer 4's
 * internals: `build` checks they are there, so an upgrade that renames them fails loudly here, not
 * with wrong counts.
 *
 * Built at the first call, not at import: a command that never counts a token never pays for it.
 */
export function countTokens(text: string): number {
  return o200k().countTokens(text);
}

export function encode(text: string): number[] {
  return o200k().encode(text);
}

export function decode(tokens: Iterable<number>): string {
  return o200k().decode(tokens);
}

/** The fields of gpt-tokenizer's BytePairEncodingCore that hold the ranks (private in its types). */
interface CoreRanks {
  mergeableBytePairRankCount: number;
  bytePairRankDecoder: unknown;
  bytePairNonUtfRankDecoder: Map<number, Uint8Array>;
  bytePairNonUtfSortedEncoder: [Uint8Array, number][];
  bytePairStringRankEncoder: { get(key: string): number | undefined };
}
const CORE_FIELDS = ['mergeableBytePairRankCount', 'bytePairRankDecoder', 'bytePairNonUtfRankDecoder', 'bytePairNonUtfSortedEncoder', 'bytePairStringRankEncoder'] as const;

// A cache of immutable data, filled once per process: sharing it changes no result.
let built: GptEncoding | undefined;
function o200k(): GptEncoding {
  return (built ??= build());
}

function build(): GptEncoding {
  const table = RankTable.open(o200kRankBytes());
  const encoding = GptEncoding.getEncodingApi('o200k_base', () => []);
  const holder = encoding as unknown as { bytePairEncodingCoreProcessor?: Record<string, unknown>; vocabularySize: number };
  const core = holder.bytePairEncodingCoreProcessor;
  const missing = core === undefined ? ['bytePairEncodingCoreProcessor'] : CORE_FIELDS.filter((f) => !(f in core));
  if (core === undefined || missing.length > 0) throw new Error(`gpt-tokenizer's encoder has no ${missing.join(', ')}: server/tokenizer/o200k.ts needs updating for this version`);
  const ranks: CoreRanks = {
    mergeableBytePairRankCount: table.size,
    // Read by rank when decoding (`bytePairRankDecoder[rank]`): a string, or an object for a byte token.
    bytePairRankDecoder: new Proxy([], { get: (_, key) => (typeof key === 'string' ? table.tokenAt(Number(key)) : undefined) }),
    bytePairNonUtfRankDecoder: table.binaryByRank,
    bytePairNonUtfSortedEncoder: table.binarySorted,
    bytePairStringRankEncoder: table,
  };
  Object.assign(core, ranks);
  holder.vocabularySize += table.size;
  return encoding;
}
