import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrustFileSchema } from '../../protocol/trustRecord';
import { runCli } from './main';

const CLI = resolve(__dirname, '../../dist/cli.js');

let dir: string;
let marker: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-trust-'));
  marker = join(dir, 'started');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A squad whose tool server, once started, leaves a marker file (and then exits: it is no MCP server). */
function squad(input = 'Go.'): string {
  return `version: 1
name: trusting
task: { entry: lead, input: ${input} }
env: [SQUAD_TRUST_TEST_VAR]
models:
  m: { provider: simulated, model: gpt-4.1 }
agents:
  lead: { role: planner, model: m, script: [{ finish: done }] }
toolServers:
  probe:
    command: ${JSON.stringify(process.execPath)}
    args: ["-e", ${JSON.stringify(`require('fs').writeFileSync(${JSON.stringify(join(dir, 'started'))}, 'x')`)}]
    env: { TOKEN: "\${env:SQUAD_TRUST_TEST_VAR}" }
    startupTimeoutMs: 2000
`;
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(process.execPath, [CLI, ...args], { cwd: dir, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', SQUAD_TRUST_TEST_VAR: 'v' } }, (e, stdout, stderr) =>
      done({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** `squad` in this process, with a stdin and stderr that say they are a terminal, answering `answer`. */
async function onTerminal(args: string[], answer: string): Promise<{ code: number; stderr: string }> {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  let stderr = '';
  const io = {
    stdout: { write: () => true },
    stderr: {
      isTTY: true,
      write: (s: string) => {
        stderr += s;
        // The question is asked: the person types the answer.
        if (s.includes('[y/N]')) stdin.write(`${answer}\n`);
        return true;
      },
    },
    env: { ...process.env, NO_COLOR: '1' },
    cwd: dir,
    signal: new AbortController().signal,
    stdin,
  };
  process.env['SQUAD_TRUST_TEST_VAR'] = 'v';
  return { code: await runCli(args, io), stderr };
}

const started = () =>
  readFile(marker, 'utf8').then(
    () => true,
    () => false,
  );

describe('the CLI trust prompt', () => {
  it('without a terminal and without --yes: refuses with exit 2, naming what the file would start, read and reach, and starts nothing', async () => {
    await writeFile(join(dir, 'a.squad.yaml'), squad());
    const r = await cli(['run', 'a.squad.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a.squad.yaml has not been run in this workspace');
    expect(r.stderr).toMatch(/start .*node.* -e .*toolServers\.probe\.command/);
    expect(r.stderr).toMatch(/read .*SQUAD_TRUST_TEST_VAR/);
    expect(r.stderr).toContain('there is no terminal to ask');
    expect(r.stderr).toContain('--yes');
    expect(await started()).toBe(false);
    expect(await readFile(join(dir, '.squad', 'trust.json'), 'utf8').catch(() => null)).toBeNull();
  });

  it('--yes trusts and remembers the file by hash; an edited file is asked about again', async () => {
    await writeFile(join(dir, 'a.squad.yaml'), squad());
    const yes = await cli(['run', 'a.squad.yaml', '--yes']);
    expect(yes.stderr).toContain('trusted with --yes');
    expect(await started()).toBe(true); // it ran: the probe started (and, being no MCP server, failed the run)
    const trust = TrustFileSchema.parse(JSON.parse(await readFile(join(dir, '.squad', 'trust.json'), 'utf8')));
    expect(Object.values(trust.files)).toEqual([expect.objectContaining({ path: 'a.squad.yaml', by: '--yes', env: ['SQUAD_TRUST_TEST_VAR'] })]);
    await rm(marker);
    const again = await cli(['run', 'a.squad.yaml']);
    expect(again.stderr).not.toContain('has not been run');
    expect(await started()).toBe(true);
    await rm(marker);
    await writeFile(join(dir, 'a.squad.yaml'), squad('Go again.'));
    const edited = await cli(['run', 'a.squad.yaml']);
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain('has not been run in this workspace');
    expect(await started()).toBe(false);
  });

  it('on a terminal, asks: "n" starts nothing, "y" runs and is remembered', async () => {
    await writeFile(join(dir, 'a.squad.yaml'), squad());
    const no = await onTerminal(['run', join(dir, 'a.squad.yaml'), '--workspace', dir], 'n');
    expect(no.code).toBe(2);
    expect(no.stderr).toContain('Trust this file and run it? [y/N]');
    expect(no.stderr).toContain('not trusted: nothing was started');
    expect(await started()).toBe(false);
    const yes = await onTerminal(['run', join(dir, 'a.squad.yaml'), '--workspace', dir], 'y');
    expect(yes.stderr).toContain('[y/N]');
    expect(await started()).toBe(true);
    const trust = TrustFileSchema.parse(JSON.parse(await readFile(join(dir, '.squad', 'trust.json'), 'utf8')));
    expect(Object.values(trust.files).map((f) => f.by)).toEqual(['prompt']);
  });

  it('a file that starts, reads and reaches nothing is never asked about', async () => {
    await writeFile(
      join(dir, 'plain.squad.yaml'),
      'version: 1\nname: plain\ntask: { entry: lead, input: Go. }\nmodels:\n  m: { provider: simulated, model: gpt-4.1 }\nagents:\n  lead: { role: planner, model: m, script: [{ finish: done }] }\n',
    );
    const r = await cli(['run', 'plain.squad.yaml', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('has not been run');
  });

  it('squad validate lists the variables a file reads and what it starts', async () => {
    await writeFile(join(dir, 'a.squad.yaml'), squad());
    const r = await cli(['validate', 'a.squad.yaml']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('env: SQUAD_TRUST_TEST_VAR');
    expect(r.stdout).toContain('starts: probe (');
  });
});
