import type { CaseReport, CaseRunReport, TestReport } from './testReport';

/**
 * The report as JUnit XML, the format CI systems read (Jenkins, GitLab, GitHub Actions reporters,
 * Azure Pipelines): a `<testsuite>` per squad file with a `<testcase>` per run of a case (the seed
 * in its name when a case has several), and one suite for `--journals`. A missed expectation is a
 * `<failure>` whose type is the expectation; a run that could not run at all is an `<error>`.
 */
export function junitReport(report: TestReport, timestamp: Date): string {
  const suites: string[] = [];
  const byFile = new Map<string, CaseReport[]>();
  for (const c of report.cases) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  for (const [file, cases] of byFile) {
    const runs = cases.flatMap((c) => c.runs.map((r) => ({ c, r })));
    const failures = runs.filter(({ r }) => r.error === null && r.failures.length > 0).length;
    const errors = runs.filter(({ r }) => r.error !== null).length;
    const time = seconds(runs.reduce((s, { r }) => s + r.wallMs, 0));
    const body = runs.map(({ c, r }) => testcase(c, r)).join('');
    suites.push(
      `  <testsuite name="${attr(file)}" tests="${runs.length}" failures="${failures}" errors="${errors}" skipped="0" time="${time}" timestamp="${timestamp.toISOString().slice(0, 19)}" file="${attr(file)}">\n${body}  </testsuite>\n`,
    );
  }
  if (report.journals.length > 0) {
    const failures = report.journals.filter((j) => j.error === null && !j.passed).length;
    const errors = report.journals.filter((j) => j.error !== null).length;
    const body = report.journals
      .map((j) => {
        const head = `    <testcase classname="journals" name="${attr(j.journal)}" time="${seconds(j.wallMs)}"`;
        if (j.error !== null) return `${head}>\n      <error message="${attr(firstLine(j.error))}" type="replay">${text(j.error)}</error>\n    </testcase>\n`;
        if (j.divergence) {
          return `${head}>\n      <failure message="${attr(firstLine(j.divergence.report))}" type="divergence">${text(j.divergence.report)}</failure>\n    </testcase>\n`;
        }
        return `${head}/>\n`;
      })
      .join('');
    suites.push(
      `  <testsuite name="journals" tests="${report.journals.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(report.journals.reduce((s, j) => s + j.wallMs, 0))}">\n${body}  </testsuite>\n`,
    );
  }
  const t = report.totals;
  const failures = report.cases.flatMap((c) => c.runs).filter((r) => r.error === null && r.failures.length > 0).length + report.journals.filter((j) => j.error === null && !j.passed).length;
  const errors = report.cases.flatMap((c) => c.runs).filter((r) => r.error !== null).length + report.journals.filter((j) => j.error !== null).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="squad test" tests="${t.runs + t.journals}" failures="${failures}" errors="${errors}" time="${seconds(report.wallMs)}">\n${suites.join('')}</testsuites>\n`;
}

/** A case's name in JUnit and the Testing view: the seed is part of it when the case has several. */
export function runName(c: Pick<CaseReport, 'name' | 'seeds'>, seed: number): string {
  return c.seeds.length > 1 ? `${c.name} [seed ${seed}]` : c.name;
}

function testcase(c: CaseReport, r: CaseRunReport): string {
  const head = `    <testcase classname="${attr(`${c.squad}.${c.profile}`)}" name="${attr(runName(c, r.seed))}" time="${seconds(r.wallMs)}" file="${attr(c.file)}"`;
  const out = r.journal ? `      <system-out>${text(`profile ${c.profile} · seed ${r.seed} · ${r.status} · $${r.costUsd} · ${r.turns} turns · journal ${r.journal}`)}</system-out>\n` : '';
  if (r.error !== null) return `${head}>\n      <error message="${attr(firstLine(r.error))}" type="error">${text(r.error)}</error>\n${out}    </testcase>\n`;
  if (r.failures.length === 0) return `${head}>\n${out}    </testcase>\n`;
  // Most readers take one <failure> per testcase: the first missed expectation names it, the text lists them all.
  const first = r.failures[0]!;
  const message = r.failures.length === 1 ? first.message : `${first.message} (and ${r.failures.length - 1} more)`;
  const body = r.failures.map((f) => `${f.message}\n  expected: ${f.expected}\n  actual: ${f.actual}`).join('\n');
  const failure = `      <failure message="${attr(message)}" type="${first.expectation}">${text(body)}</failure>\n`;
  return `${head}>\n${failure}${out}    </testcase>\n`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}

/** XML 1.0 forbids most control characters even escaped: they are dropped. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters XML forbids are what this drops
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

function text(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
