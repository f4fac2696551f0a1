import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, useCliWorkspace, type CliResult } from '../testing/cliWorkspace';

/**
 * Malformed input, through the bundled CLI as a user types it: each is a located message or a usage
 * error with exit 2, never a stack trace, never advice that would lose data.
 */
const DEADLOCK = join(ROOT, 'samples/failure-modes/deadlock-loan-pricing.squad.yaml');
const ws = useCliWorkspace('squad-bad-input-', { timeoutMs: 60_000 });
const squad = (args: string[]): Promise<CliResult> => ws.squad(args, { env: { SQUAD_STORE: '' } });

/** Exit 2 and one clear line first; no `    at …` frame anywhere. */
function expectRefused(result: CliResult, first: string | RegExp): void {
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.split('\n')[0]).toMatch(first);
  expect(result.code).toBe(2);
}

let dir: string;
beforeAll(async () => {
  dir = ws.dir;
  // The start of an ELF executable: no newline in it, so the reader's torn-last-line rule sees it.
  await writeFile(join(dir, 'binary.jsonl'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xe8, 0xff, 0x00, 0x01]));
  await writeFile(join(dir, 'notes.txt'), 'not a journal');
  await mkdir(join(dir, 'a-directory'));
  await writeFile(join(dir, 'tenants.json'), '{"tenants": ');
});

describe('bad input to the squad command', () => {
  it('a file that is not a journal is named as such, with its line, and never called an empty journal to delete', async () => {
    for (const command of [['replay'], ['resume'], ['fork', '--at', '1']]) {
      const binary = await squad([...command, 'binary.jsonl']);
      expectRefused(binary, /^squad: binary\.jsonl:1: not a journal: the last line has no newline/);
      expect(binary.stderr).not.toContain('delete the file');
    }
    // A name that is there in the working directory is that file, not a run id under .squad/runs/.
    const text = await squad(['replay', 'notes.txt']);
    expectRefused(text, /^squad: notes\.txt:1: not a journal/);
    const diff = await squad(['diff', 'notes.txt', 'binary.jsonl']);
    expectRefused(diff, /^squad: notes\.txt:1: not a journal/);
  });

  it('a directory named as a journal or an edited squad file says it is a directory', async () => {
    expectRefused(await squad(['replay', 'a-directory']), /a-directory: is a directory, not a journal file$/);
    const journal = join(dir, 'run.jsonl');
    const ran = await squad(['run', DEADLOCK, '--seed', '1', '--journal', journal, '--yes', '--json']);
    expect(ran.code).toBe(3);
    expectRefused(await squad(['replay', journal, '--squad', 'a-directory']), /^squad: --squad a-directory: is a directory, not a file$/);
    expectRefused(await squad(['fork', journal, '--at', '2', '--edit', 'missing.yaml']), /^squad: --edit missing\.yaml: no such file or directory$/);
  });

  it('--at that is not a number names the value', async () => {
    expectRefused(await squad(['fork', 'binary.jsonl', '--at', 'x']), /^squad: --at "x": use a whole number/);
  });

  it('--tenants that is missing, a directory or not JSON says which, without Node’s error text', async () => {
    expectRefused(await squad(['serve', '--tenants', 'missing.json']), /^squad: --tenants .*missing\.json: no such file or directory$/);
    expectRefused(await squad(['serve', '--tenants', 'a-directory']), /^squad: --tenants .*a-directory: is a directory, not a file$/);
    expectRefused(await squad(['serve', '--tenants', 'tenants.json']), /^squad: --tenants .*tenants\.json: not JSON \(/);
  });

  it('--junit naming a directory is refused before any case runs', async () => {
    const result = await squad(['test', DEADLOCK, '--junit', 'a-directory', '--yes', '--workspace', 'junit-workspace']);
    expectRefused(result, /^squad: --junit a-directory: is a directory/);
    expect(result.stdout).toBe('');
    // No case ran: none journaled a run in the workspace.
    expect(await stat(join(dir, 'junit-workspace/.squad/runs')).catch(() => null)).toBeNull();
  });

  it('a --store that is not PostgreSQL, or that does not answer, is a usage error for worker and export as for serve', async () => {
    for (const command of [['worker'], ['export', 'some-run'], ['serve', '--workers', '0']]) {
      expectRefused(await squad([...command, '--store', 'postgres://squad:secret@127.0.0.1:1/squad']), /^squad: --store: cannot open postgres:\/\/squad:\*\*\*@127\.0\.0\.1:1\/squad: /);
    }
    expectRefused(await squad(['worker', '--store', 'http://127.0.0.1:1']), /^squad: --store: cannot open http:\/\/127\.0\.0\.1:1: .*use a postgres:\/\/ URL/);
    // The password never reaches the terminal.
    expect((await squad(['worker', '--store', 'postgres://squad:secret@127.0.0.1:1/squad'])).stderr).not.toContain('secret');
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('not a journal');
  });

  it("a --journal under /proc fails at once with the level it could not make (Node 20's recursive mkdir never settled there)", async () => {
    const result = await squad(['run', DEADLOCK, '--seed', '1', '--yes', '--journal', '/proc/squad-nope/run.jsonl']);
    expectRefused(result, /^squad: \/proc\/squad-nope\/run\.jsonl: cannot create journal: ENOENT: no such file or directory, mkdir '\/proc\/squad-nope'/);
  });
});
