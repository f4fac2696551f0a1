import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, useCliWorkspace } from '../testing/cliWorkspace';

/** The replicated loan-pricing sample through the bundled CLI, as a user runs it. */
const SAMPLE = join(ROOT, 'samples/loan-pricing/loan-pricing.squad.yaml');
const ws = useCliWorkspace('squad-replicas-', { timeoutMs: 90_000 });
const cli = ws.squad;

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
    const r = await cli(['load', SAMPLE, '--yes', '--runs', '12', '--concurrency', '4', '--json', '--workspace', ws.dir]);
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
