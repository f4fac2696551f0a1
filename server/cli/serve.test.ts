import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../http/loadReport';
import { readServerFile } from '../http/serverFile';
import { SquadClient } from '../http/squadClient';
import { CLI, startCli } from '../cluster/testing/cliProcess';

/** End to end through the bundled CLI, as a user runs `squad serve` and `squad load`. */
const SAMPLE = resolve(__dirname, '../../samples/credit-memo/credit-memo.squad.yaml');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-serve-'));
  await copyFile(SAMPLE, join(dir, 'credit-memo.squad.yaml'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('squad serve', () => {
  it('prints its URL, writes server.json (0600), serves runs, and on SIGTERM stops cleanly and removes server.json', async () => {
    const serve = startCli(['serve', '--workspace', dir]);
    const url = (await serve.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const file = await readServerFile(dir);
    expect(file?.url).toBe(url);
    expect((await stat(join(dir, '.squad', 'server.json'))).mode & 0o777).toBe(0o600);
    // The token is printed once, in the signed-in link for the browser (in its fragment), and nowhere else.
    expect(serve.output()).toContain(`  open the web app: ${url}/#token=${encodeURIComponent(file!.token)}\n`);
    expect(serve.output().split(file!.token).length - 1).toBe(1);
    const client = new SquadClient(url, file!.token);
    const run = await client.startRun({ file: 'credit-memo.squad.yaml', seed: 9 });
    for (let i = 0; i < 400 && (await client.run(run.id)).state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await client.run(run.id)).state).toBe('completed');
    expect(await serve.stop()).toBe(0);
    expect(serve.output()).toContain('shutting down');
    expect(await readServerFile(dir)).toBeNull();
  });

  it('refuses a bad port with exit code 2', async () => {
    const code = await new Promise<number>((r) => execFile(process.execPath, [CLI, 'serve', '--port', 'abc'], { cwd: dir }, (e) => r(e ? Number(e.code) : 0)));
    expect(code).toBe(2);
  });
});

describe('squad load', () => {
  it('drives a server with many runs over tenants with a spike, and reports per tenant', async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((r) =>
      execFile(
        process.execPath,
        [CLI, 'load', 'credit-memo.squad.yaml', '--runs', '24', '--concurrency', '4', '--tenants', '2', '--spike', '10x@50%', '--profile', 'production', '--json', '--yes'],
        { cwd: dir, timeout: 60_000 },
        (e, stdout, stderr) => r({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(result.code, result.stderr).toBe(0);
    // The report this command printed, typed as the command builds it (it is our own output, read back).
    const report = JSON.parse(result.stdout) as LoadReport;
    expect(report.runs).toBe(24);
    expect(report.tenants.map((t) => t.tenant)).toEqual(['load-1', 'load-2']);
    // The spike shifts the second half to tenant load-1 (10:1).
    expect(report.tenants[0]!.runs).toBeGreaterThan(report.tenants[1]!.runs);
    // Every run ends; under production's lossy bureau (drops and hangs) a seed may exhaust its
    // failovers, and the cascade guardrail halts that run, as configured.
    expect(report.overall.completed + report.overall.halted + report.overall.failed).toBe(24);
    expect(report.overall.completed).toBeGreaterThanOrEqual(20);
    expect(report.overall.p99VirtualMs).toBeGreaterThanOrEqual(report.overall.p50VirtualMs);
    expect(report.overall.p50VirtualMs).toBeGreaterThan(1000);
    expect(report.overall.costUsd).toBeCloseTo(report.tenants[0]!.costUsd + report.tenants[1]!.costUsd, 6);
    expect(report.runsPerSecond).toBeGreaterThan(0);
  });
});
