import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import { findJournals, findSquadFiles } from '../gate/findSquadFiles';
import type { GateJob, GateResult, ReplayJob } from '../gate/gateJobs';
import { runOnWorkers } from '../gate/gateWorkerPool';
import { junitReport, runName } from '../gate/junitReport';
import { planTests } from '../gate/testPlan';
import { caseReport, journalReport, testReport, type CaseReport, type TestReport } from '../gate/testReport';
import { ms, usd } from './formatUnits';
import { compactTable } from './compactTable';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { fileProblem } from './fileProblem';
import { paintFor, type Paint } from './paint';
import { ProgressBar } from './progressBar';
import { confirmTrust } from './trustPrompt';

export interface TestArgs {
  paths: string[];
  journals: string | undefined;
  junit: string | undefined;
  json: boolean;
  workspace: string;
  /** Only the cases with these names (the Testing view runs one case). */
  only: string[];
  concurrency: number | undefined;
  /** Trust every file that needs it without asking (CI), as `squad run --yes`. */
  yes: boolean;
}

/**
 * `squad test [FILE|DIR …]`: every case of every squad file found, on worker threads; `--journals DIR`
 * replays saved runs with the current engine. Exit 0 when all pass, 1 when one fails, 2 on bad input
 * (every error located, nothing run).
 */
export async function testCommand(args: TestArgs, io: CliIo): Promise<number> {
  const started = performance.now();
  const paint = paintFor(io.stdout, io.env);
  // Refused before the suite runs, not after every case has: a report that cannot be written.
  if (args.junit !== undefined && (await stat(resolve(io.cwd, args.junit)).catch(() => null))?.isDirectory()) {
    throw new UsageError(`--junit ${args.junit}: is a directory; name the XML file to write`);
  }
  const paths = args.paths.length === 0 && args.journals === undefined ? ['.'] : args.paths;
  const found = await findSquadFiles(paths, io.cwd);
  for (const p of found.problems) io.stderr.write(`${p.arg}: ${p.message}\n`);
  const workspace = resolve(io.cwd, args.workspace);
  const plan = await planTests(found.files, { cwd: io.cwd, workspace, only: args.only });
  for (const w of plan.warnings) io.stderr.write(`${formatDiagnostic(w)}\n`);
  for (const e of plan.errors) io.stderr.write(`${formatDiagnostic(e)}\n`);
  const journalFiles = args.journals === undefined ? [] : await journalsIn(args.journals, io.cwd);
  if (found.problems.length > 0 || plan.errors.length > 0) return ExitCode.invalidInput;
  if (args.only.length > 0) {
    const names = new Set(plan.cases.map((c) => c.case.name));
    const missing = args.only.filter((n) => !names.has(n));
    if (missing.length > 0) throw new UsageError(`--case: no test case named ${missing.map((m) => `"${m}"`).join(', ')} in ${found.files.join(', ') || 'the files given'}`);
  }
  if (plan.cases.length === 0 && journalFiles.length === 0) {
    throw new UsageError(`nothing to test: no tests: in ${found.files.join(', ') || paths.join(', ')}${args.journals ? ` and no journal under ${args.journals}` : ''}`);
  }

  // A squad file is code: each one that starts processes, reads variables or reaches hosts is trusted
  // first, as `squad run` asks (replaying a journal starts nothing and needs no trust).
  for (const c of new Map(plan.cases.map((c) => [c.file, c])).values()) {
    const refused = await confirmTrust({ squad: c.squadFile, text: c.text, path: c.file, workspace, yes: args.yes }, io);
    if (refused !== null) return refused;
  }
  const testJobs = plan.cases.flatMap((c) => c.jobs);
  const replayJobs: ReplayJob[] = journalFiles.map((journal, i) => ({ kind: 'replay', id: testJobs.length + i, journal, cwd: io.cwd }));
  const jobs: GateJob[] = [...testJobs, ...replayJobs];
  const progress = !args.json && io.stderr.isTTY ? new ProgressBar(io.stderr, 'squad test', jobs.length) : null;
  const results = new Map<number, GateResult>();
  try {
    await runOnWorkers(jobs, {
      signal: io.signal,
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
      onResult: (r, job) => {
        results.set(r.id, r);
        progress?.tick(job.kind === 'test' ? job.path : relative(io.cwd, job.kind === 'replay' ? job.journal : ''));
      },
    });
  } finally {
    progress?.clear();
  }
  if (io.signal.aborted) return ExitCode.cancelled;
  const report = testReport(
    plan.cases.map((c) => caseReport(c, results)),
    replayJobs.map((j) => journalReport({ ...j, journal: relative(io.cwd, j.journal) || j.journal }, results.get(j.id))),
    plan.untested,
    performance.now() - started,
  );
  if (args.junit !== undefined) {
    const out = resolve(io.cwd, args.junit);
    try {
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, junitReport(report, new Date()));
    } catch (error) {
      throw new UsageError(`--junit ${args.junit}: ${fileProblem(error)}`);
    }
  }
  io.stdout.write(args.json ? `${JSON.stringify(report)}\n` : humanReport(report, paint, io.cwd));
  return report.passed ? ExitCode.completed : ExitCode.failed;
}

async function journalsIn(arg: string, cwd: string): Promise<string[]> {
  const path = resolve(cwd, arg);
  const info = await stat(path).catch(() => null);
  if (!info) throw new UsageError(`--journals ${arg}: no such directory`);
  if (info.isFile()) return [path];
  const files = await findJournals(path);
  if (files.length === 0) throw new UsageError(`--journals ${arg}: no *.jsonl journal in this directory`);
  return files;
}

/** The table (case, status, cost, turns, trips, verdict), then each failure with its figure and limit. */
function humanReport(report: TestReport, paint: Paint, cwd: string): string {
  const lines: string[] = [];
  if (report.cases.length > 0) {
    const table = compactTable(['case', 'profile', 'runs', 'status', 'cost (max)', 'turns (max)', 'trips', 'verdict'], ['left', 'left', 'right', 'left', 'right', 'right', 'left', 'left'], paint);
    for (const c of report.cases) {
      const failed = c.runs.filter((r) => r.error !== null || r.failures.length > 0).length;
      table.push([
        `${c.squad} › ${c.name}`,
        c.profile,
        c.runs.length,
        statuses(c),
        usd(Math.max(...c.runs.map((r) => r.costUsd))),
        Math.max(...c.runs.map((r) => r.turns)),
        [...new Set(c.runs.flatMap((r) => r.trips))].join(', ') || paint.dim('none'),
        c.passed ? paint.green('✔ pass') : paint.red(`✖ fail${c.runs.length > 1 ? ` (${failed}/${c.runs.length})` : ''}`),
      ]);
    }
    lines.push(table.toString());
  }
  for (const c of report.cases) {
    for (const r of c.runs) {
      if (r.error !== null) {
        lines.push(`${paint.red('✖')} ${c.file} › ${runName(c, r.seed)}: could not run: ${r.error}`);
        continue;
      }
      if (r.failures.length === 0) continue;
      lines.push(`${paint.red('✖')} ${c.file} › ${runName(c, r.seed)} (profile ${c.profile}, seed ${r.seed})`);
      for (const f of r.failures) lines.push(`    ${f.message}`);
      lines.push(paint.dim(`    journal: ${r.journal ? relative(cwd, r.journal) : '-'} · rerun: squad run ${c.file} --profile ${c.profile} --seed ${r.seed}`));
    }
  }
  if (report.journals.length > 0) {
    const table = compactTable(['journal', 'squad file', 'events', 'verdict'], ['left', 'left', 'right', 'left'], paint);
    for (const j of report.journals) {
      const verdict = j.error !== null ? paint.red('✖ error') : j.divergence ? paint.red(`✖ diverged at seq ${j.divergence.seq}`) : paint.green('✔ replays');
      table.push([j.journal, j.squad ? `${j.squad}${j.squadSource === 'recorded' ? paint.dim(' (recorded copy)') : ''}` : '-', j.events, verdict]);
    }
    lines.push(table.toString());
    for (const j of report.journals) {
      if (j.error !== null) lines.push(`${paint.red('✖')} ${j.journal}: ${j.error}`);
      else if (j.divergence) lines.push(`${paint.red('✖')} ${j.journal}: ${j.divergence.report}`);
      if (j.torn) lines.push(paint.yellow(`  ${j.journal}: its last line was torn (${j.torn}); replayed what came before it`));
    }
  }
  if (report.untested.length > 0) lines.push(paint.dim(`no tests: in ${report.untested.join(', ')}`));
  const t = report.totals;
  const parts = [
    t.cases > 0 ? `${t.cases - t.failedCases}/${t.cases} cases passed (${t.runs} runs)` : '',
    t.journals > 0 ? `${t.journals - t.divergedJournals}/${t.journals} journals replayed` : '',
  ].filter(Boolean);
  lines.push(`${report.passed ? paint.green('✔ passed') : paint.red('✖ failed')}: ${parts.join(', ')} in ${ms(report.wallMs)}`);
  return `${lines.join('\n')}\n`;
}

function statuses(c: CaseReport): string {
  const counts = new Map<string, number>();
  for (const r of c.runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  if (counts.size === 1) return [...counts.keys()][0]!;
  return [...counts].map(([s, n]) => `${s} ${n}`).join(', ');
}
