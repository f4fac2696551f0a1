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
 * the production profile, `runs` runs over `tenants` tenants, `concurrency` in flight, each run in
 * virtual time. The same driver as `squad load` (HTTP starts, a tenant stream for completions).
 *
 *   const row = await benchServerLoad({ runs: 500, concurrency: 32, tenants: 4 });
 */
export async function benchServerLoad(options: { runs: number; concurrency: number; tenants: number; sample?: string }): Promise<LoadBenchRow> {
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
      profile: 'production',
      seed: 1,
      maxMs: 300_000,
    });
    const report = loadReport(samples, wallMs);
    if (report.overall.completed !== options.runs) throw new Error(`only ${report.overall.completed} of ${options.runs} runs completed`);
    return { runs: options.runs, concurrency: options.concurrency, tenants: options.tenants, runsPerSecond: report.runsPerSecond, wallMs: Math.round(wallMs), report };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
