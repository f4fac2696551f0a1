import type { GateResult, ReplayJob, ReplayJobResult, TestJobResult } from './gateJobs';
import type { PlannedCase } from './testPlan';

/** One run of a case: what it did and which expectations it missed (`error`: it could not run). */
export interface CaseRunReport {
  seed: number;
  runId: string | null;
  journal: string | null;
  status: TestJobResult['facts']['status'] | 'error';
  costUsd: number;
  turns: number;
  virtualMs: number;
  trips: string[];
  result: string | null;
  failures: TestJobResult['failures'];
  error: string | null;
  wallMs: number;
}

export interface CaseReport {
  file: string;
  squad: string;
  name: string;
  profile: string;
  seeds: number[];
  passed: boolean;
  runs: CaseRunReport[];
}

export interface JournalReport {
  journal: string;
  runId: string | null;
  squad: string | null;
  squadSource: ReplayJobResult['squadSource'] | null;
  events: number;
  passed: boolean;
  divergence: ReplayJobResult['divergence'];
  torn: string | null;
  error: string | null;
  wallMs: number;
}

/** What `squad test --json` prints, and what the table and JUnit are made from. */
export interface TestReport {
  passed: boolean;
  totals: { cases: number; runs: number; failedCases: number; failedRuns: number; journals: number; divergedJournals: number };
  cases: CaseReport[];
  journals: JournalReport[];
  untested: string[];
  wallMs: number;
}

export function caseReport(planned: PlannedCase, results: ReadonlyMap<number, GateResult>): CaseReport {
  const runs = planned.jobs.map((job): CaseRunReport => {
    const r = results.get(job.id);
    if (r?.kind === 'test') {
      return {
        seed: job.seed,
        runId: r.runId,
        journal: r.journal,
        status: r.facts.status,
        costUsd: r.facts.costUsd,
        turns: r.facts.turns,
        virtualMs: r.facts.virtualMs,
        trips: r.facts.trips.map((t) => t.kind),
        result: r.facts.result,
        failures: r.failures,
        error: null,
        wallMs: Math.round(r.wallMs),
      };
    }
    const error = r?.kind === 'error' ? r.message : 'no result';
    return { seed: job.seed, runId: null, journal: null, status: 'error', costUsd: 0, turns: 0, virtualMs: 0, trips: [], result: null, failures: [], error, wallMs: 0 };
  });
  return {
    file: planned.file,
    squad: planned.squad,
    name: planned.case.name,
    profile: planned.case.profile,
    seeds: planned.seeds,
    passed: runs.every((r) => r.error === null && r.failures.length === 0),
    runs,
  };
}

export function journalReport(job: ReplayJob, r: GateResult | undefined): JournalReport {
  if (r?.kind === 'replay') {
    return {
      journal: job.journal,
      runId: r.runId,
      squad: r.squad,
      squadSource: r.squadSource,
      events: r.events,
      passed: r.divergence === null,
      divergence: r.divergence,
      torn: r.torn,
      error: null,
      wallMs: Math.round(r.wallMs),
    };
  }
  const error = r?.kind === 'error' ? r.message : 'no result';
  return { journal: job.journal, runId: null, squad: null, squadSource: null, events: 0, passed: false, divergence: null, torn: null, error, wallMs: 0 };
}

export function testReport(cases: CaseReport[], journals: JournalReport[], untested: string[], wallMs: number): TestReport {
  const runs = cases.flatMap((c) => c.runs);
  const failedRuns = runs.filter((r) => r.error !== null || r.failures.length > 0).length;
  const failedCases = cases.filter((c) => !c.passed).length;
  const divergedJournals = journals.filter((j) => !j.passed).length;
  return {
    passed: failedCases === 0 && divergedJournals === 0,
    totals: { cases: cases.length, runs: runs.length, failedCases, failedRuns, journals: journals.length, divergedJournals },
    cases,
    journals,
    untested,
    wallMs: Math.round(wallMs),
  };
}
