import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldEvents } from '../engine/accounting';
import { readJournalFile } from '../store/readJournal';

/** End to end through the bundled CLI (`npm test` builds dist/ first), as a user runs it. */
const CLI = resolve(__dirname, '../../dist/cli.js');
const SAMPLE = resolve(__dirname, '../../samples/credit-memo/credit-memo.squad.yaml');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function squad(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('squad run', () => {
  it('runs the sample twice with the same seed into byte-identical journals', async () => {
    const a = await squad(['run', SAMPLE, '--yes', '--json', '--seed', '7', '--journal', 'a.jsonl'], dir);
    const b = await squad(['run', SAMPLE, '--yes', '--json', '--seed', '7', '--journal', 'b.jsonl'], dir);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ja = await readFile(join(dir, 'a.jsonl'), 'utf8');
    const jb = await readFile(join(dir, 'b.jsonl'), 'utf8');
    expect(ja.length).toBeGreaterThan(1000);
    expect(ja).toBe(jb);

    const summary = JSON.parse(a.stdout);
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['runId', 'status', 'journal', 'usage', 'agents', 'guardrails', 'virtualMs', 'wallMs']));
    expect(summary).toMatchObject({ status: 'completed', journal: 'a.jsonl', seed: 7, profile: 'local', tenant: 'default' });
    expect(Object.keys(summary.agents)).toEqual(['planner', 'financials', 'collateral', 'regulatory', 'checker']);
    expect(summary.agents.checker.turns).toBe(2);
    expect(summary.agents.financials.turns).toBe(2);
    expect(summary.usage.costUsd).toBeGreaterThan(0);
    // The summary is a fold of the journal it names: read back, it gives the same figures.
    const { events, torn } = await readJournalFile(join(dir, 'a.jsonl'));
    expect(torn).toBeNull();
    const account = foldEvents(events);
    expect(account.totals.inputTokens).toBe(summary.usage.inputTokens);
    expect(account.totals.outputTokens).toBe(summary.usage.outputTokens);
    expect(account.status).toBe('completed');
  });

  it('writes to .squad/runs/ by default, keeps a second identical run beside the first, and prints the table', async () => {
    const first = await squad(['run', SAMPLE, '--yes', '--seed', '3'], dir);
    const second = await squad(['run', SAMPLE, '--yes', '--seed', '3'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/│ agent +│ turns │ tokens in │/);
    expect(first.stdout).toMatch(/│ checker +│ +2 │/);
    expect(first.stdout).toContain('✔ completed');
    const path1 = /journal: (.+)/.exec(first.stdout)![1]!;
    const path2 = /journal: (.+)/.exec(second.stdout)![1]!;
    expect(path1).toMatch(/^\.squad\/runs\/credit-memo-[0-9a-f]{12}\.jsonl$/);
    expect(path2).toBe(path1.replace('.jsonl', '-2.jsonl'));
    expect(await readFile(join(dir, path1), 'utf8')).toBe(await readFile(join(dir, path2), 'utf8'));
  });

  it('names the runs of the workspace a crash left unfinished, with the command that resumes them', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'squad-cli-interrupted-'));
    try {
      const done = await squad(['run', SAMPLE, '--yes', '--seed', '4', '--workspace', ws], ws);
      expect(done.stderr).not.toContain('interrupted');
      // A run killed mid-way: its journal stops before run.completed.
      const path = join(ws, /journal: (.+)/.exec(done.stdout)![1]!);
      const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
      const cut = path.replace('.jsonl', '-cut.jsonl');
      await writeFile(cut, `${lines.slice(0, 40).join('\n')}\n`);
      const id = cut.slice(cut.lastIndexOf('/') + 1, -'.jsonl'.length);
      const next = await squad(['run', SAMPLE, '--yes', '--seed', '5', '--workspace', ws], ws);
      expect(next.code).toBe(0);
      expect(next.stderr).toMatch(new RegExp(`1 interrupted run in this workspace: (squad|node \\S*dist/cli\\.js) resume ${id}, or (squad|node \\S*dist/cli\\.js) serve --resume`));
      const json = await squad(['run', SAMPLE, '--yes', '--seed', '5', '--workspace', ws, '--json'], ws);
      expect(json.stderr).not.toContain('interrupted'); // --json output stays one object, and quiet
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  });

  it('exits 3 when a guardrail halts the run and shows the evidence', async () => {
    const file = join(dir, 'loop.squad.yaml');
    await writeFile(
      file,
      `version: 1
name: loop
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini } }
guardrails: { maxTurnsPerAgent: 3, disabled: [loop] }
agents:
  a: { role: worker, model: m, handoffs: [b], script: [ { handoff: { to: b, content: ping }, repeat: forever } ] }
  b: { role: worker, model: m, handoffs: [a], script: [ { handoff: { to: a, content: pong }, repeat: forever } ] }
`,
    );
    const human = await squad(['run', file, '--seed', '1'], dir);
    expect(human.code).toBe(3);
    expect(human.stdout).toContain('✖ loop [halt] a: a reached its turn limit (3 turns)');
    expect(human.stdout).toContain('evidence: {"turns":3,"limit":3,"scope":"agent"}');
    const json = await squad(['run', file, '--seed', '1', '--json'], dir);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).guardrails).toEqual([
      { kind: 'loop', agent: 'a', action: 'halt', message: 'a reached its turn limit (3 turns) and wants another', evidence: { turns: 3, limit: 3, scope: 'agent' } },
    ]);
  });

  it('exits 1 when the run fails', async () => {
    const file = join(dir, 'quiet.squad.yaml');
    await writeFile(
      file,
      `version: 1
name: quiet
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini } }
agents:
  a: { role: worker, model: m, script: [ { say: hmm } ] }
`,
    );
    const r = await squad(['run', file, '--seed', '1'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('reason: the squad went quiet before a called finish');
  });

  it('exits 2 with a clear message for bad arguments', async () => {
    const profile = await squad(['run', SAMPLE, '--profile', 'prod'], dir);
    expect(profile.code).toBe(2);
    expect(profile.stderr).toContain('squad: unknown profile "prod" (known: local, staging, production)');
    const seed = await squad(['run', SAMPLE, '--seed', 'abc'], dir);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('--seed "abc"');
    const option = await squad(['run', SAMPLE, '--fast'], dir);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/Unknown option '--fast'/);
    const command = await squad(['fly'], dir);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "fly"');
    for (const r of [profile, seed, option, command]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints its version and help', async () => {
    const pkg = JSON.parse(await readFile(resolve(__dirname, '../../package.json'), 'utf8'));
    expect((await squad(['--version'], dir)).stdout.trim()).toBe(pkg.version);
    const help = await squad(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('squad run FILE');
  });

  it('answers --version from the bin alone: dist/cli.js holds neither zod nor the tokenizer, and reads no bundle', async () => {
    // What dist/cli.js holds is what `squad --version` parses and runs; every command is in dist/cli-main.js.
    // (A zod schema in the entry's imports once cost it 40 ms.)
    const bin = await readFile(resolve(__dirname, '../../dist/cli.js'), 'utf8');
    expect({ zod: bin.includes('__zod_globalConfig'), tokenizer: bin.includes('o200k_base.ranks'), small: bin.length < 40_000 }).toEqual({ zod: false, tokenizer: false, small: true });
    const version = await squad(['--version'], dir, { SQUAD_CODE_CACHE: 'report' });
    expect(version.stderr).toBe(''); // the bundle would have said what its code cache did
    const help = await squad(['--help'], dir, { SQUAD_CODE_CACHE: 'report' });
    expect(help.stderr).toMatch(/^squad: code cache (made|used)\n$/);
  });
});
