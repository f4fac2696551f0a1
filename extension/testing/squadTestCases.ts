import { isMap, isSeq } from 'yaml';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import { seedsOf } from '../../protocol/squadFile';

/** A case of a squad file's `tests:` as the Testing view shows it: its name, line, profile and seeds. */
export interface SquadTestCase {
  name: string;
  profile: string;
  seeds: number[];
  /** 0-based line and column of the case's entry in the file. */
  line: number;
  col: number;
}

/**
 * The test cases of a squad file's text, or null when it does not parse (the Problems panel says why;
 * the Testing view keeps what it showed). Positions come from the YAML node of each case.
 */
export function squadTestCases(text: string, file: string): SquadTestCase[] | null {
  const parsed = parseSquadFile(text, file);
  if (!parsed.ok) return null;
  const seq = parsed.document.get('tests', true);
  return parsed.squad.tests.map((c, i) => {
    const node = isSeq(seq) ? seq.items[i] : undefined;
    const offset = isMap(node) && node.range ? node.range[0] : 0;
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { name: c.name, profile: c.profile, seeds: seedsOf(c), line, col: offset - (before.lastIndexOf('\n') + 1) };
  });
}
