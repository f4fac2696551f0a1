import { describe, expect, it } from 'vitest';
import { parseSquadFile } from '../parseSquadFile';
import { compileResultPattern, seedsOf, TestCasesSchema } from './testCase';

const SQUAD = `version: 1
name: t
task: { entry: a, input: Go. }
models: { m: { provider: simulated, model: gpt-4.1 } }
agents: { a: { role: planner, model: m, script: [{ finish: ok }] } }
profiles: { night: { handoffLatencyMs: 5 } }
`;

describe('tests: in a squad file', () => {
  it('defaults a case to the local profile, seed 1 and the default tenant', () => {
    const parsed = parseSquadFile(`${SQUAD}tests:\n  - name: ok\n    expect: { status: completed }\n`, 't.squad.yaml');
    expect(parsed.ok && parsed.squad.tests).toEqual([{ name: 'ok', profile: 'local', tenant: 'default', expect: { status: 'completed' } }]);
    expect(parsed.ok && seedsOf(parsed.squad.tests[0]!)).toEqual([1]);
  });

  it('accepts a declared profile and rejects an unknown one at its line', () => {
    const ok = parseSquadFile(`${SQUAD}tests:\n  - name: ok\n    profile: night\n    expect: { status: completed }\n`, 't.squad.yaml');
    expect(ok.ok).toBe(true);
    const bad = parseSquadFile(`${SQUAD}tests:\n  - name: ok\n    profile: nite\n    expect: { status: completed }\n`, 't.squad.yaml');
    expect(bad.ok ? [] : bad.errors.map((e) => [e.line, e.col, e.message])).toEqual([[9, 14, 'unknown profile "nite" (known: local, staging, production, night)']]);
  });

  it('reports a second case of the same name', () => {
    const r = TestCasesSchema.safeParse([
      { name: 'a', expect: { status: 'completed' } },
      { name: 'a', expect: { status: 'halted' } },
    ]);
    expect(r.success ? [] : r.error.issues.map((i) => [i.path, i.message])).toEqual([[[1, 'name'], 'a second test case named "a" (the first is tests[0])']]);
  });

  it('refuses a kind both expected to trip and not to', () => {
    const r = TestCasesSchema.safeParse([{ name: 'a', expect: { trips: ['loop'], noTrips: ['loop', 'deadlock'] } }]);
    expect(r.success ? [] : r.error.issues.map((i) => i.message)).toEqual(['"loop" cannot be both in trips and in noTrips']);
  });

  it('derives N stable, distinct seeds from the case name, and none from another name', () => {
    const a = seedsOf({ name: 'clean', seeds: 20 });
    expect(a).toHaveLength(20);
    expect(new Set(a).size).toBe(20);
    expect(seedsOf({ name: 'clean', seeds: 20 })).toEqual(a);
    expect(seedsOf({ name: 'clean', seeds: 5 })).toEqual(a.slice(0, 5));
    expect(seedsOf({ name: 'other', seeds: 5 })).not.toEqual(a.slice(0, 5));
    for (const s of a) expect(s).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(seedsOf({ name: 'x', seeds: [4, 2] })).toEqual([4, 2]);
  });

  it('reads a pattern plain or with flags', () => {
    expect(compileResultPattern('APPROVE').test('approve')).toBe(false);
    expect(compileResultPattern('/approve/i').test('APPROVE')).toBe(true);
    expect(() => compileResultPattern('(')).toThrow();
  });
});
