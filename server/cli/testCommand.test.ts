import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseTestResults } from 'test-results-parser';
import { describe, expect, it } from 'vitest';
import { ScriptedHttpServer, sse, type SseEvent } from '../providers/testing/scriptedHttpServer';
import type { TestReport } from '../gate/testReport';
import { ROOT, useCliWorkspace, type CliResult } from '../testing/cliWorkspace';

/** `squad test` as a CI system runs it: the bundled CLI, in a workspace of its own. */
const MEMO = join(ROOT, 'samples/credit-memo/credit-memo.squad.yaml');
const LOOP = join(ROOT, 'samples/failure-modes/loop-kyc-review.squad.yaml');
const workspace = useCliWorkspace('squad-test-');

/** `squad …` in the test's directory; `--yes` for test commands (the memo starts its MCP server under production). */
function squad(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const all = args[0] === 'test' && !args.includes('--no-yes') ? [...args, '--yes'] : args.filter((a) => a !== '--no-yes');
  return workspace.squad(all, { env });
}

/** A sample with its own tests: block replaced by `tests` (every sample keeps `tests:` last). */
async function withTests(sample: string, name: string, tests: string): Promise<string> {
  const text = await readFile(sample, 'utf8');
  const cut = text.indexOf('\ntests:');
  const path = join(workspace.dir, name);
  await writeFile(path, `${cut < 0 ? text : text.slice(0, cut)}\ntests:\n${tests}`);
  return path;
}

const runs = (report: TestReport, name: string) => report.cases.find((c) => c.name === name)!;

describe('squad test', () => {
  it('passes and fails each kind of expectation, naming the figure and the limit, with JUnit a parser reads', async () => {
    await withTests(
      MEMO,
      'memo.squad.yaml',
      `  - name: every expectation met
    expect: { status: completed, maxCostUsd: 0.02, maxTurns: 12, maxVirtualMs: 60000, noTrips: true, resultContains: [CREDIT MEMO, DSCR], resultMatches: "/recommendation: approve/i" }
  - name: wrong status
    expect: { status: halted }
  - name: over budget
    expect: { maxCostUsd: 0.001 }
  - name: too many turns
    expect: { maxTurns: 5 }
  - name: too slow
    expect: { maxVirtualMs: 1000 }
  - name: expected trip missing
    expect: { trips: [deadlock] }
  - name: text missing
    expect: { resultContains: DECLINE }
  - name: pattern missing
    expect: { resultMatches: "^Recommendation: DECLINE" }
  - name: derived seeds
    profile: staging
    seeds: 4
    expect: { status: completed }
`,
    );
    await withTests(
      LOOP,
      'loop.squad.yaml',
      `  - name: the loop trips
    expect: { status: halted, trips: [loop] }
  - name: no loop allowed
    expect: { noTrips: [loop, deadlock] }
`,
    );
    const junit = join(workspace.dir, 'reports/junit.xml');
    const { code, stdout, stderr } = await squad(['test', 'memo.squad.yaml', 'loop.squad.yaml', '--json', '--junit', junit]);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/error|refusing/i);
    const report = JSON.parse(stdout) as TestReport;
    expect(report.passed).toBe(false);
    const verdicts = Object.fromEntries(report.cases.map((c) => [c.name, c.passed]));
    expect(verdicts).toEqual({
      'every expectation met': true,
      'wrong status': false,
      'over budget': false,
      'too many turns': false,
      'too slow': false,
      'expected trip missing': false,
      'text missing': false,
      'pattern missing': false,
      'derived seeds': true,
      'the loop trips': true,
      'no loop allowed': false,
    });
    const failure = (name: string) => runs(report, name).runs[0]!.failures;
    expect(failure('wrong status')).toEqual([expect.objectContaining({ expectation: 'status', actual: 'completed', expected: 'halted' })]);
    expect(failure('over budget')[0]).toMatchObject({ expectation: 'maxCostUsd', expected: '$0.001' });
    expect(failure('over budget')[0]!.message).toMatch(/^maxCostUsd: the run cost \$0\.01\d+, over the limit of \$0\.001$/);
    expect(failure('too many turns')[0]!.message).toBe('maxTurns: the run took 10 turns, over the limit of 5');
    expect(failure('too slow')[0]!.message).toMatch(/^maxVirtualMs: the run took \d+ ms, over the limit of 1000 ms$/);
    expect(failure('expected trip missing')[0]!.message).toBe('trips: deadlock did not trip (tripped: none)');
    expect(failure('text missing')[0]!.message).toMatch(/^resultContains: the result does not contain "DECLINE"; result: "CREDIT MEMO/);
    expect(failure('pattern missing')[0]).toMatchObject({ expectation: 'resultMatches', expected: '^Recommendation: DECLINE' });
    expect(failure('no loop allowed')[0]).toMatchObject({ expectation: 'noTrips', actual: 'loop' });
    expect(failure('no loop allowed')[0]!.message).toMatch(/^noTrips: loop \[halt\]: /);
    // seeds: 4 runs four distinct seeds derived from the case's name, each journaled in the workspace.
    const derived = runs(report, 'derived seeds');
    expect(new Set(derived.seeds).size).toBe(4);
    expect(derived.runs.map((r) => r.seed)).toEqual(derived.seeds);
    for (const r of report.cases.flatMap((c) => c.runs)) expect(r.journal).toMatch(/\.squad\/runs\/.+\.jsonl$/);
    expect(report.totals).toMatchObject({ cases: 11, runs: 14, failedCases: 8, failedRuns: 8 });

    const parsed = parseTestResults({ type: 'junit', files: [junit] });
    expect(parsed).toMatchObject({ total: 14, failed: 8, passed: 6, errors: 0 });
    const cases = parsed.suites.flatMap((s) => s.cases);
    expect(cases.filter((c) => c.name.startsWith('derived seeds [seed '))).toHaveLength(4);
    const overBudget = cases.find((c) => c.name === 'over budget')!;
    expect(overBudget.status).toBe('FAIL');
    expect(overBudget.failure).toMatch(/maxCostUsd: the run cost \$0\.01\d+, over the limit of \$0\.001/);
    expect(cases.find((c) => c.name === 'every expectation met')!.status).toBe('PASS');
  });

  it('prints the table and each failure with its seed and the command that reruns it; --case picks cases; exit 0 when all pass', async () => {
    const failing = await squad(['test', 'memo.squad.yaml', '--case', 'over budget', '--case', 'every expectation met']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/case\s.*status\s.*cost \(max\)\s.*turns \(max\)\s.*trips\s.*verdict/);
    expect(failing.stdout).toMatch(/credit-memo › every expectation met .*completed .*✔ pass/);
    expect(failing.stdout).toMatch(/credit-memo › over budget .*✖ fail/);
    expect(failing.stdout).toContain('✖ memo.squad.yaml › over budget (profile local, seed 1)');
    expect(failing.stdout).toContain('rerun: squad run memo.squad.yaml --profile local --seed 1');
    expect(failing.stdout).toContain('1/2 cases passed (2 runs)');
    const passing = await squad(['test', 'memo.squad.yaml', '--case', 'every expectation met']);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('✔ passed: 1/1 cases passed');
  });

  it('exits 2 on invalid input with every error located, and runs nothing', async () => {
    const bad = join(workspace.dir, 'bad');
    await mkdir(bad, { recursive: true });
    await withTests(
      MEMO,
      'bad/broken.squad.yaml',
      `  - name: typo in an expectation
    expect: { maxCost: 0.1 }
  - name: unknown profile
    profile: prodution
    expect: { status: completed }
  - name: not a guardrail
    expect: { trips: [deadlok] }
  - name: both seed forms
    seed: 1
    seeds: [2]
    expect: { status: completed }
  - name: bad pattern
    expect: { resultMatches: "(unclosed" }
`,
    );
    const { code, stdout, stderr } = await squad(['test', 'bad']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    const at = (pattern: RegExp) => lines.find((l) => pattern.test(l));
    expect(at(/maxCost/)).toMatch(/^bad\/broken\.squad\.yaml:\d+:\d+: .*maxCost/);
    expect(at(/prodution/)).toMatch(/^bad\/broken\.squad\.yaml:\d+:\d+: unknown profile "prodution".*production/);
    expect(at(/deadlok/)).toMatch(/^bad\/broken\.squad\.yaml:\d+:\d+: /);
    expect(at(/seed or seeds/)).toMatch(/^bad\/broken\.squad\.yaml:\d+:\d+: give seed or seeds, not both/);
    expect(at(/regular expression/)).toMatch(/^bad\/broken\.squad\.yaml:\d+:\d+: not a valid regular expression/);
    // Each error points into the tests: block, at the line of the key it is about.
    const text = await readFile(join(bad, 'broken.squad.yaml'), 'utf8');
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(at(/prodution/)).toContain(`:${lineOf('profile: prodution')}:`);
    expect(at(/maxCost/)).toContain(`:${lineOf('maxCost: 0.1')}:`);
    await expect(readdir(join(workspace.dir, 'bad/.squad'))).rejects.toThrow();

    // A file that starts processes is not run without a person's or CI's trust: exit 2, nothing started.
    const untrusted = join(workspace.dir, 'untrusted');
    await mkdir(untrusted, { recursive: true });
    await cp(MEMO, join(untrusted, 'memo.squad.yaml'));
    const refused = await squad(['test', 'untrusted/memo.squad.yaml', '--workspace', 'untrusted', '--no-yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to run untrusted/memo.squad.yaml');
    await expect(readdir(join(untrusted, '.squad/runs'))).rejects.toThrow();

    expect(await squad(['test', 'no-such-dir'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no-such-dir: no such file or directory') });
    expect(await squad(['test', '--concurrency', 'many'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--concurrency "many"') });
    expect(await squad(['test', 'memo.squad.yaml', '--case', 'nope'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no test case named "nope"') });
    expect(await squad(['test', 'memo.squad.yaml', '--journals', 'nowhere'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--journals nowhere: no such directory') });
  });
});

describe('squad test --journals', () => {
  it('replays saved runs clean, and fails on the first decision that differs, as squad replay reports it', async () => {
    const ws = join(workspace.dir, 'journals');
    await mkdir(join(ws, 'squads'), { recursive: true });
    await cp(MEMO, join(ws, 'squads/memo.squad.yaml'));
    await cp(LOOP, join(ws, 'squads/loop.squad.yaml'));
    const run = async (file: string): Promise<void> => {
      const r = await workspace.squad(['run', file, '--seed', '3', '--json', '--yes'], { cwd: ws });
      if (r.code !== 0 && r.code !== 3) throw new Error(r.stderr);
    };
    await run('squads/memo.squad.yaml');
    await run('squads/loop.squad.yaml');
    const journals = join(ws, '.squad/runs');
    const inWs = (args: string[]) => workspace.squad(args, { cwd: ws });

    const clean = await inWs(['test', '--journals', '.squad/runs', '--json']);
    expect(clean.code).toBe(0);
    const report = JSON.parse(clean.stdout) as TestReport;
    expect(report.journals).toHaveLength(2);
    for (const j of report.journals) expect(j).toMatchObject({ passed: true, squadSource: 'current', divergence: null });

    // An engine change, as the journal sees it: the recorded engine sent a hand-off to someone else.
    const [memoJournal] = (await readdir(journals)).filter((f) => f.startsWith('credit-memo-'));
    const path = join(journals, memoJournal!);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    const at = lines.findIndex((l) => l.includes('"type":"message.sent"') && l.includes('"kind":"handoff"'));
    const event = JSON.parse(lines[at]!) as { seq: number; to: string };
    lines[at] = JSON.stringify({ ...event, to: 'regulatory' === event.to ? 'collateral' : 'regulatory' });
    await writeFile(path, `${lines.join('\n')}\n`);

    const diverged = await inWs(['test', '--journals', '.squad/runs']);
    expect(diverged.code).toBe(1);
    const replay = await inWs(['replay', path]);
    expect(replay.code).toBe(1);
    // The same report as squad replay: seq, both versions of the event, the fields that differ.
    const report2 = replay.stdout.replace(/^✖ /, '').trimEnd();
    expect(report2).toContain(`diverged at seq ${event.seq}: message.sent differs in to`);
    expect(diverged.stdout).toContain(report2);
    expect(diverged.stdout).toMatch(/diverged at seq \d+/);
    expect(diverged.stdout).toContain('1/2 journals replayed');

    // A changed squad file (a tighter guardrail) changes what the engine decides: caught too.
    await writeFile(path, `${lines.map((l, i) => (i === at ? JSON.stringify(event) : l)).join('\n')}\n`);
    expect((await inWs(['test', '--journals', '.squad/runs'])).code).toBe(0);
    const loopText = await readFile(join(ws, 'squads/loop.squad.yaml'), 'utf8');
    await writeFile(join(ws, 'squads/loop.squad.yaml'), loopText.replace('\ntests:', '\nguardrails: { loop: { repeatedState: 2 } }\ntests:'));
    const edited = await inWs(['test', '--journals', '.squad/runs', '--json']);
    expect(edited.code).toBe(1);
    const loopReport = (JSON.parse(edited.stdout) as TestReport).journals.find((j) => j.journal.includes('kyc-review'))!;
    expect(loopReport).toMatchObject({ passed: false, squadSource: 'current' });
    expect(loopReport.divergence?.report).toMatch(/^diverged at seq \d+: /);
  }, 180_000);

  it('replays a run recorded with a real model without calling it', async () => {
    const ws = join(workspace.dir, 'real');
    await mkdir(ws, { recursive: true });
    const server = await ScriptedHttpServer.start();
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1760000000, model: 'gpt-4.1-2025-04-14' };
    const delta = (d: unknown, finish: string | null = null): SseEvent => ({ data: { ...base, choices: [{ index: 0, delta: d, finish_reason: finish }], usage: null } });
    server.reply(
      sse([
        delta({ role: 'assistant', content: 'Done.' }),
        delta({ tool_calls: [{ index: 0, id: 'call_f', type: 'function', function: { name: 'finish', arguments: '{"result":"APPROVE"}' } }] }),
        delta({}, 'tool_calls'),
        { data: { ...base, choices: [], usage: { prompt_tokens: 120, completion_tokens: 9, total_tokens: 129 } } },
        { data: '[DONE]' },
      ]),
    );
    await writeFile(
      join(ws, 'real.squad.yaml'),
      `version: 1
name: real-memo
env: [TEST_OPENAI_KEY]
task: { entry: lead, input: Decide. }
models:
  gpt: { provider: openai, model: gpt-4.1, baseUrl: "${server.url}/v1", apiKeyEnv: TEST_OPENAI_KEY }
agents:
  lead: { role: planner, model: gpt, instructions: Decide. }
`,
    );
    const recorded = (await workspace.squad(['run', 'real.squad.yaml', '--seed', '1', '--json', '--yes'], { cwd: ws, env: { TEST_OPENAI_KEY: 'sk-test' } })).code;
    expect(recorded).toBe(0);
    expect(server.requests).toHaveLength(1);
    await server.close();
    // No server, no key: a call would fail the replay.
    const replayed = await workspace.squad(['test', '--journals', '.squad/runs', '--json'], { cwd: ws, env: { TEST_OPENAI_KEY: undefined } });
    expect(replayed.code).toBe(0);
    const report = JSON.parse(replayed.stdout) as TestReport;
    expect(report.journals).toEqual([expect.objectContaining({ passed: true, squadSource: 'current', divergence: null })]);
    expect(report.journals[0]!.events).toBeGreaterThan(4);
  }, 60_000);
});
