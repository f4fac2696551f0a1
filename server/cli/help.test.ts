import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandUsage, USAGE } from './usage';

/** Every command answers `--help` and `-h` with its own usage, through the bundled CLI as a user runs it. */
const CLI = resolve(__dirname, '../../dist/cli.js');

function squad(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The commands the overview lists (`  squad NAME …`), so a command added there is tested here too. */
const COMMANDS = [...USAGE.matchAll(/^ {2}squad ([a-z][a-z-]*)\b/gm)].map((m) => m[1]!);

describe('squad COMMAND --help', () => {
  it('knows the commands', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['run', 'validate', 'replay', 'fork', 'diff', 'resume', 'serve', 'load']));
  });

  it.each(COMMANDS)('%s --help and -h print its own usage and exit 0', async (name) => {
    const own = commandUsage(name);
    expect(own).not.toBeNull();
    expect(own).toContain(`squad ${name}`);
    // Its own: no other command's synopsis in it.
    for (const other of COMMANDS.filter((c) => c !== name)) expect(own).not.toMatch(new RegExp(`^ {2}squad ${other}\\b`, 'm'));
    for (const flag of ['--help', '-h']) {
      const result = await squad([name, flag]);
      expect(result, `${name} ${flag}`).toMatchObject({ code: 0, stdout: own, stderr: '' });
    }
  });

  it('answers --help even beside an option it does not know', async () => {
    expect(await squad(['replay', '--no-such-option', '--help'])).toMatchObject({ code: 0, stdout: commandUsage('replay') });
  });

  it('names the command in the hint after a usage error, and `squad help NAME` is the same as NAME --help', async () => {
    const bad = await squad(['fork', 'x.jsonl']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Run "squad fork --help" for usage.');
    expect(await squad(['help', 'diff'])).toMatchObject({ code: 0, stdout: commandUsage('diff') });
    expect((await squad(['help', 'nope'])).code).toBe(2);
  });

  it('names itself in its hints as it was started (a clone has no `squad` on PATH)', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'squad-hint-'));
    try {
      const sample = resolve(__dirname, '../../samples/credit-memo/credit-memo.squad.yaml');
      const run = await squad(['run', sample, '--yes', '--seed', '3', '--journal', join(dir, 'r.jsonl')]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/rerun: node \S*dist\/cli\.js run /);
      expect(run.stdout).not.toMatch(/rerun: squad run/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists each command option the parser accepts in that command’s help', async () => {
    expect(commandUsage('fork')).toContain('--at SEQ');
    expect(commandUsage('serve')).toMatch(/--host[\s\S]*--otlp[\s\S]*--tenants[\s\S]*--allow-origin/);
    expect(commandUsage('nope')).toBeNull();
    // Every option of every command, as main.ts hands it to parseArgs (inline, or the shared tables of
    // serve, worker and export), is in that command's own --help: none works without being told of.
    const { readFile } = await import('node:fs/promises');
    const { SERVE_OPTIONS, WORKER_OPTIONS, EXPORT_OPTIONS } = await import('./serverCommandOptions');
    const main = await readFile(join(__dirname, 'main.ts'), 'utf8');
    const accepted = new Map<string, string[]>([
      ['serve', Object.keys(SERVE_OPTIONS)],
      ['worker', Object.keys(WORKER_OPTIONS)],
      ['export', Object.keys(EXPORT_OPTIONS)],
    ]);
    for (const block of main.split(/\n {4}case '/).slice(1)) {
      const name = block.slice(0, block.indexOf("'"));
      const inline = [...block.matchAll(/(?:'([a-z][a-z-]*)'|\b([a-z][a-zA-Z]*)): \{ type: '(?:string|boolean)'/g)].map((m) => m[1] ?? m[2]!);
      if (inline.length > 0) accepted.set(name, inline);
    }
    expect([...accepted.keys()].sort()).toEqual(expect.arrayContaining(['diff', 'fork', 'forecast', 'load', 'replay', 'resume', 'run', 'test']));
    for (const [name, options] of accepted) {
      const help = commandUsage(name) ?? '';
      for (const option of options) expect(help, `squad ${name} --help`).toMatch(new RegExp(`^ {2}--${option}\\b`, 'm'));
    }
  });
});
