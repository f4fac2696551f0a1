import ranks from 'gpt-tokenizer/bpeRanks/o200k_base';
import { packRanks } from './rankTable';

/**
 * gpt-tokenizer's o200k_base ranks in their packed form (`packRanks`). From source (the tests) they
 * are packed here from the package's own array; the Node bundles replace this module with a read of
 * dist/o200k_base.ranks, which esbuild.mjs writes by calling this very function at build time, so a
 * process that counts tokens never parses the package's 2.4 MB array literal.
 */
export function o200kRankBytes(): Uint8Array {
  return packRanks(ranks);
}
