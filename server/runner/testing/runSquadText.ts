import { join } from 'node:path';
import { parseSquadFile } from '../../../protocol/parseSquadFile';
import type { RunEvent } from '../../../protocol/runEvent';
import type { RunOutcome } from '../../engine/runSquad';
import type { SecretLookup } from '../../providers/secretLookup';
import { runLocal } from '../runLocal';

/**
 * Test support: parses squad file text and runs it locally to its end, as the CLI does (profile
 * local, seed 1), with its journal at `dir/<name>.jsonl`; the events as they were journaled.
 */
export async function runSquadText(text: string, name: string, dir: string, secrets?: SecretLookup): Promise<{ outcome: RunOutcome; events: RunEvent[] }> {
  const parsed = parseSquadFile(text, `${name}.squad.yaml`);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  const events: RunEvent[] = [];
  const { outcome } = await runLocal({
    squad: parsed.squad,
    text,
    path: `${name}.squad.yaml`,
    profile: 'local',
    seed: 1,
    tenant: 'default',
    workspace: dir,
    journalPath: join(dir, `${name}.jsonl`),
    ...(secrets ? { secrets } : {}),
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
  });
  return { outcome, events };
}
