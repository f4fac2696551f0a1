import { describe, expect, it } from 'vitest';
import { parseSquadFile } from './parseSquadFile';
import { formatDiagnostic } from './squadDiagnostic';

/** The smallest squad that runs, in flow style, then `extra`. */
const squad = (extra: string) => `version: 1\nname: x\ntask: { entry: a, input: go }\nmodels: { m: { provider: simulated, model: gpt-4.1 } }\nagents: { a: { role: worker, model: m } }\n${extra}`;

describe('deprecated keys', () => {
  it('runs a file that still sets tokenExplosion.crossRun, with a warning at each key, top level and per profile', () => {
    const result = parseSquadFile(
      squad(`guardrails:
  tokenExplosion: { cache: true, crossRun: true }
profiles:
  local: {}
  staging:
    guardrails:
      tokenExplosion:
        crossRun: false
`),
      'old.squad.yaml',
    );
    expect(result.ok).toBe(true);
    expect(result.warnings.map(formatDiagnostic)).toEqual([
      'old.squad.yaml:7:44: warning: crossRun does nothing and can be removed: the context cache lives within one run (there is no cache across runs)',
      'old.squad.yaml:13:19: warning: crossRun does nothing and can be removed: the context cache lives within one run (there is no cache across runs)',
    ]);
  });

  it('says nothing for a file without it', () => {
    const result = parseSquadFile(squad('guardrails:\n  tokenExplosion: { cache: true }\n'), 'new.squad.yaml');
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });
});
