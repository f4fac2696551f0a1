import { sha256Hex } from '../engine/sha256';
import { JOURNAL_FORMAT_VERSION } from '../../protocol/journalFormatVersion';

/**
 * A run's id is a function of what determines the run: the squad file's bytes, the profile, the seed,
 * the tenant and the journal format. Two runs with the same id are the same execution (which is what
 * determinism promises), so their journals can be compared byte for byte; the journal store keeps
 * both files (`<id>.jsonl`, `<id>-2.jsonl`).
 */
export function runIdFor(input: { squadName: string; sha256: string; profile: string; seed: number; tenant: string }): string {
  const digest = sha256Hex([JOURNAL_FORMAT_VERSION, input.sha256, input.profile, input.seed, input.tenant].join('\n'));
  return `${input.squadName}-${digest.slice(0, 12)}`;
}
