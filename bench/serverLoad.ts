import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { composeServer } from '../server/http/composeServer';
import { driveLoad } from '../server/http/loadDriver';
import { loadReport, type LoadReport } from '../server/http/loadReport';
import { SquadClient } from '../server/http/squadClient';

export interface LoadBenchRow {
  runs: number;
  concurrency: number;
  tenants: number;
  /** Runs started and ended per second of wall time, each in virtual time under the simulated provider. */
  runsPerSecond: number;
  wallMs: number;
  report: LoadReport;
}

/**
 * Runs per second that `squad load` gets from a server started for it: the credit-memo sample under
 * the staging profile (or `profile`), `runs` runs over `tenants` tenants, `concurrency` in flight, each run in
 * virtual time. The same driver as `squad load` (HTTP starts, a tenant stream for completions).
 *
 *   const row = await benchServerLoad({ runs: 500, concurrency: 32, tenants: 4 });
 */
export async function benchServerLoad(options: { runs: number; concurrency: number; tenants: number; sample?: string; profile?: string }): Promise<LoadBenchRow> {
  const sample = options.sample ?? resolve(__dirname, '../samples/credit-memo/credit-memo.squad.yaml');
  const dir = await mkdtemp(join(tmpdir(), 'squad-bench-load-'));
  await copyFile(sample, join(dir, 'sample.squad.yaml'));
  const server = await composeServer({
    workspace: dir,
    host: '127.0.0.1',
    port: 0,
    version: 'bench',
    writeServerFile: false,
    // Limits high enough that the figure is the server's throughput, not a tenant's quota.
    tenants: { defaults: { maxConcurrentRuns: options.concurrency, requestsPerMinute: 1e9, tokensPerMinute: 1e12, dailyBudgetUsd: 1e9 }, tenants: {} },
  });
  try {
    const client = new SquadClient(server.url, server.token);
    const { samples, wallMs } = await driveLoad(client, {
      runs: options.runs,
      concurrency: options.concurrency,
      tenants: Array.from({ length: options.tenants }, (_, i) => `bench-${i + 1}`),
      spike: null,
      source: await readFile(join(dir, 'sample.squad.yaml'), 'utf8'),
      path: 'sample.squad.yaml',
      // Staging by default: its tool servers answer from the squad file, so the figure is the server's
      // own throughput, not the time to spawn real MCP processes for every run.
      profile: options.profile ?? 'staging',
      seed: 1,
      maxMs: 300_000,
    });
    const report = loadReport(samples, wallMs);
    // Every run must end; under staging's injected tool faults a few end halted by the cascade
    // guardrail, which is the squad behaving as configured, not the server losing a run.
    const { completed, halted, failed } = report.overall;
    if (completed + halted + failed !== options.runs) throw new Error(`only ${completed + halted + failed} of ${options.runs} runs ended`);
    if (completed < options.runs * 0.9) throw new Error(`only ${completed} of ${options.runs} runs completed (${halted} halted, ${failed} failed)`);
    return { runs: options.runs, concurrency: options.concurrency, tenants: options.tenants, runsPerSecond: report.runsPerSecond, wallMs: Math.round(wallMs), report };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
