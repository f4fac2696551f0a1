import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The replicated loan-pricing sample through the bundled CLI, as a user runs it. */
const CLI = resolve(__dirname, '../../dist/cli.js');
const SAMPLE = resolve(__dirname, '../../samples/loan-pricing/loan-pricing.squad.yaml');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-replicas-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((r) => execFile(process.execPath, [CLI, ...args], { cwd: dir, timeout: 90_000 }, (e, stdout, stderr) => r({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr })));
}

describe('agent replicas from the CLI', () => {
  it('squad run shows each instance in the accounting and the failover of the stuck one', async () => {
    const json = await cli(['run', SAMPLE, '--seed', '5', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(Object.keys(summary.agents).sort()).toEqual(['desk', 'pricer#1', 'pricer#2', 'pricer#3']);
    expect(summary.failovers).toEqual([expect.objectContaining({ definition: 'pricer', from: 'pricer#1', cause: 'stuck', moved: 2 })]);
    expect(summary.guardrails).toEqual([]);
    const text = await cli(['run', SAMPLE, '--seed', '5']);
    expect(text.stdout).toMatch(/⇄ pricer#1 stuck: no answer within 20000 ms.*2 messages moved to pricer#[23]/);
  });

  it('squad load reports utilization per instance', async () => {
    const r = await cli(['load', SAMPLE, '--yes', '--runs', '12', '--concurrency', '4', '--json', '--workspace', dir]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.overall.completed).toBe(12);
    expect(report.instances.map((i: { instance: string }) => i.instance)).toEqual(['pricer#1', 'pricer#2', 'pricer#3']);
    const turns = report.instances.reduce((a: number, i: { turns: number }) => a + i.turns, 0);
    // Three first turns per run, and one more for the loans the stuck instance held.
    expect(turns).toBe(12 * 4);
    for (const i of report.instances) {
      expect(i.utilization).toBeGreaterThan(0);
      expect(i.utilization).toBeLessThanOrEqual(1);
    }
    // The stuck instance spent 20 s of every run waiting on its stalled call: it is the busiest.
    expect(report.instances[0].busyMs).toBeGreaterThan(report.instances[1].busyMs);
  });
});
