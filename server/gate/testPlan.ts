import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import type { SquadDiagnostic } from '../../protocol/squadDiagnostic';
import { seedsOf, type SquadFile, type TestCase } from '../../protocol/squadFile';
import type { TestJob } from './gateJobs';

/** A case of one squad file, with the seeds it runs with. */
export interface PlannedCase {
  /** The squad file as shown (relative to the working directory). */
  file: string;
  squad: string;
  /** The parsed file and its text (the trust prompt shows what it starts, reads and reaches). */
  squadFile: SquadFile;
  text: string;
  index: number;
  case: TestCase;
  seeds: number[];
  /** This case's jobs, one per seed, in `seeds` order. */
  jobs: TestJob[];
}

export interface TestPlan {
  cases: PlannedCase[];
  /** Files that hold no `tests:` (or none that the filter keeps). */
  untested: string[];
  errors: SquadDiagnostic[];
  warnings: SquadDiagnostic[];
}

/**
 * Reads and checks every squad file and lays out one job per (case, seed). Any file that does not
 * parse makes the plan invalid: a gate that silently skips a broken file passes what it never ran.
 */
export async function planTests(files: readonly string[], options: { cwd: string; workspace: string; only?: readonly string[]; firstId?: number }): Promise<TestPlan> {
  const plan: TestPlan = { cases: [], untested: [], errors: [], warnings: [] };
  let id = options.firstId ?? 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(resolve(options.cwd, file), 'utf8');
    } catch (error) {
      plan.errors.push({ file, line: 1, col: 1, endLine: 1, endCol: 1, message: `cannot read: ${error instanceof Error ? error.message : String(error)}`, severity: 'error', path: [] });
      continue;
    }
    const parsed = parseSquadFile(text, file);
    plan.warnings.push(...parsed.warnings);
    if (!parsed.ok) {
      plan.errors.push(...parsed.errors);
      continue;
    }
    const chosen = parsed.squad.tests.map((c, index) => ({ c, index })).filter(({ c }) => !options.only || options.only.length === 0 || options.only.includes(c.name));
    if (chosen.length === 0) plan.untested.push(file);
    for (const { c, index } of chosen) {
      const seeds = seedsOf(c);
      const jobs: TestJob[] = seeds.map((seed) => ({ kind: 'test', id: id++, path: file, text, caseIndex: index, seed, workspace: options.workspace }));
      plan.cases.push({ file, squad: parsed.squad.name, squadFile: parsed.squad, text, index, case: c, seeds, jobs });
    }
  }
  return plan;
}
