import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSquadFile } from '../protocol/parseSquadFile';

/**
 * CI runs `squad test samples`: a sample without `tests:` would go ungated. Every sample carries
 * cases; each gallery squad expects the trip it exists to show; the credit memo is clean under every profile.
 */
const files = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.squad\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
})(__dirname);

describe("the samples' tests:", () => {
  it.each(files.map((f) => [relative(__dirname, f), f]))('%s has test cases', (_name, file) => {
    const parsed = parseSquadFile(readFileSync(file, 'utf8'), file);
    expect(parsed.ok).toBe(true);
    const tests = parsed.ok ? parsed.squad.tests : [];
    expect(tests.length).toBeGreaterThan(0);
    if (file.includes('failure-modes')) expect(tests.some((t) => (t.expect.trips ?? []).length > 0)).toBe(true);
  });

  it('keeps the credit memo clean under every built-in profile', () => {
    const file = join(__dirname, 'credit-memo/credit-memo.squad.yaml');
    const parsed = parseSquadFile(readFileSync(file, 'utf8'), file);
    const clean = parsed.ok ? parsed.squad.tests.filter((t) => t.expect.noTrips === true && t.expect.status === 'completed') : [];
    expect(new Set(clean.map((t) => t.profile))).toEqual(new Set(['local', 'staging', 'production']));
  });
});
