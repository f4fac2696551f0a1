import { z } from 'zod';
import { GuardrailKind } from '../guardrailKind';
import { NameSchema } from './name';
import { RunSeedSchema } from '../runSeed';

const TripKindsSchema = z.array(GuardrailKind).min(1);

/** How many derived seeds `seeds: N` may ask for: a case is a gate, not a forecast. */
export const MAX_DERIVED_SEEDS = 1000;

/**
 * A `resultMatches` pattern: a JavaScript regular expression, written plain (`APPROVE|DECLINE`) or
 * with flags as `/approve/i`. Invalid patterns are errors in the file, at the key.
 */
export const ResultPatternSchema = z
  .string()
  .min(1, 'the pattern is empty')
  .superRefine((text, ctx) => {
    try {
      compileResultPattern(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${error instanceof Error ? error.message : String(error)}` });
    }
  });

/** Compiles a `resultMatches` pattern; throws a SyntaxError on a bad one. */
export function compileResultPattern(text: string): RegExp {
  const flagged = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  return flagged ? new RegExp(flagged[1]!, flagged[2]) : new RegExp(text);
}

/**
 * What a case expects of every run it makes. Each key is checked on its own and a failure names the
 * key, the figure the run reached and the limit; a key left out is not checked.
 */
export const TestExpectationsSchema = z
  .object({
    status: z.enum(['completed', 'halted', 'failed']).optional().describe('How the run must end.'),
    maxCostUsd: z.number().nonnegative().optional().describe('The run may cost at most this much (USD).'),
    maxTurns: z.number().int().positive().optional().describe('The run may take at most this many agent turns in all.'),
    maxVirtualMs: z.number().positive().optional().describe('The run must end within this much time (virtual ms under simulated models).'),
    noTrips: z
      .union([z.literal(true), z.array(GuardrailKind).min(1)])
      .optional()
      .describe('Guardrail kinds that must not trip (`true`: none at all).'),
    trips: TripKindsSchema.optional().describe('Guardrail kinds that must trip, each at least once.'),
    resultContains: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe("Text the run's result must contain (each of a list)."),
    resultMatches: ResultPatternSchema.optional().describe('A regular expression the result must match (`/…/flags` for flags).'),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.trips && e.noTrips !== undefined) {
      const clash = e.noTrips === true ? e.trips : e.trips.filter((k) => (e.noTrips as string[]).includes(k));
      if (clash.length > 0) ctx.addIssue({ code: 'custom', path: ['trips'], message: `"${clash.join('", "')}" cannot be both in trips and in noTrips` });
    }
  })
  .refine((e) => Object.keys(e).length > 0, 'expect at least one thing (status, maxCostUsd, maxTurns, maxVirtualMs, noTrips, trips, resultContains, resultMatches)');
export type TestExpectations = z.infer<typeof TestExpectationsSchema>;

/** One case of a squad's `tests:`: a profile, the seeds to run it with, and what every run must do. */
export const TestCaseSchema = z
  .object({
    name: z.string().trim().min(1, 'a test case needs a name').max(200).describe('Shown in the report, JUnit and the Testing view.'),
    profile: NameSchema.default('local').describe('The run profile: local, staging, production, or one the file declares.'),
    seed: RunSeedSchema.optional().describe('The one seed to run with (default 1).'),
    seeds: z
      .union([z.array(RunSeedSchema).min(1).max(MAX_DERIVED_SEEDS), z.number().int().min(1).max(MAX_DERIVED_SEEDS)])
      .optional()
      .describe('Several runs: a list of seeds, or a count of seeds derived from the case name.'),
    tenant: NameSchema.default('default').describe('The tenant the runs are accounted to.'),
    expect: TestExpectationsSchema.describe('What every run of the case must do.'),
  })
  .strict()
  .refine((c) => !(c.seed !== undefined && c.seeds !== undefined), { error: 'give seed or seeds, not both', path: ['seeds'] });
export type TestCase = z.infer<typeof TestCaseSchema>;

export const TestCasesSchema = z
  .array(TestCaseSchema)
  .superRefine((cases, ctx) => {
    const seen = new Map<string, number>();
    cases.forEach((c, i) => {
      const first = seen.get(c.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `a second test case named "${c.name}" (the first is tests[${first}])` });
      else seen.set(c.name, i);
    });
  })
  .describe('Test cases `squad test` runs: each a profile, seeds and expectations.');

/**
 * The seeds a case runs with: `seed`, the `seeds` list, `seeds: N` derived from the case's name
 * (so adding a case does not move another's), or 1. Derived seeds are a 32-bit FNV-1a hash of
 * `name#i`: browser-safe, the same in the CLI and the extension.
 */
export function seedsOf(c: Pick<TestCase, 'name' | 'seed' | 'seeds'>): number[] {
  if (c.seed !== undefined) return [c.seed];
  if (Array.isArray(c.seeds)) return [...c.seeds];
  if (typeof c.seeds === 'number') return Array.from({ length: c.seeds }, (_, i) => fnv1a(`${c.name}#${i}`) & 0x7fffffff);
  return [1];
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
