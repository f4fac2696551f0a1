import type { SquadPath, SquadReferenceIssue } from './squadReferences';

/**
 * Keys a squad file may still hold from an earlier version, which now do nothing: each is a warning
 * at the key, so a file written for an older release still runs (an unknown-key error would stop it)
 * and its author learns the key can go. Works on the plain data of the file, parsed or not.
 */
export function checkDeprecatedKeys(data: unknown): SquadReferenceIssue[] {
  const issues: SquadReferenceIssue[] = [];
  const atGuardrails = (guardrails: unknown, path: SquadPath) => {
    const tokenExplosion = field(guardrails, 'tokenExplosion');
    if (field(tokenExplosion, 'crossRun') !== undefined) {
      issues.push({
        path: [...path, 'tokenExplosion', 'crossRun'],
        message: 'crossRun does nothing and can be removed: the context cache lives within one run (there is no cache across runs)',
        severity: 'warning',
      });
    }
  };
  atGuardrails(field(data, 'guardrails'), ['guardrails']);
  const profiles = field(data, 'profiles');
  if (isRecord(profiles)) for (const [name, profile] of Object.entries(profiles)) atGuardrails(field(profile, 'guardrails'), ['profiles', name, 'guardrails']);
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}
