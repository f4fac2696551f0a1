import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClusterRuns } from '../server/cluster/clusterRuns';
import { sharedStoresOf } from '../server/cluster/openSharedStores';
import { startCli } from '../server/cluster/testing/cliProcess';
import { composeServer } from '../server/http/composeServer';
import { defaultRunThreads } from '../server/runs/runThreadPool';
import { openPgStores } from '../server/store/pg/pgStores';
import { freshDatabase } from '../server/store/testing/freshDatabase';
import { startThrowawayPostgres } from '../server/store/testing/throwawayPostgres';
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

/** One server's `/healthz` latency while the runs execute, with the 1-minute load average at the end. */
export interface HealthzFigure {
  p99Ms: number;
  p50Ms: number;
  samples: number;
  load: number;
}

/** `/healthz` p99 while runs execute, by where they execute. */
export interface HealthzBench {
  runs: number;
  /** The embedded server, runs on its run threads (the default). */
  threads: HealthzFigure;
  /** The embedded server, runs on the HTTP thread (`--run-threads 0`, as before run threads). */
  inline: HealthzFigure;
  /** `squad serve --store postgres://… --workers 2`: the API alone on its loop; null when PostgreSQL is not here. */
  apiWorkers: HealthzFigure | null;
}

/** The credit-memo sample, local profile (simulated models and tools on the virtual clock: a run is CPU). */
const HEALTHZ_SAMPLE = resolve(__dirname, '../samples/credit-memo/credit-memo.squad.yaml');

/**
 * `/healthz` p99 while `runs` credit-memo runs execute (the scale-out bench's conditions: default
 * tenant limits, so eight at a time, the rest queued): `squad serve` with run threads, the same
 * with its runs on the HTTP thread (`--run-threads 0`), and an API with two worker processes on
 * PostgreSQL. Each server is a process of its own; this one only asks.
 *
 *   npm run bench -- --healthz
 */
export async function benchHealthzWhileRuns(options: { runs: number; progress: (line: string) => void }): Promise<HealthzBench> {
  const source = await readFile(HEALTHZ_SAMPLE, 'utf8');
  const dir = await mkdtemp(join(tmpdir(), 'squad-bench-healthz-'));
  try {
    // The server in a process of its own, as `squad serve` runs: a client in the server's process
    // would wait on the same event loop as the runs it measures.
    const embedded = async (runThreads: string): Promise<HealthzFigure> => {
      const serve = startCli(['serve', '--workspace', await mkdtemp(join(dir, 'ws-')), '--allow-inline', '--run-threads', runThreads], { SQUAD_TOKEN: HEALTHZ_TOKEN });
      try {
        const url = (await serve.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
        const client = new SquadClient(url, HEALTHZ_TOKEN);
        const ids = await Promise.all(Array.from({ length: options.runs }, (_, i) => client.startRun({ source, seed: i + 1, profile: 'local' }).then((r) => r.id)));
        // As a UI would: the list of this session's runs (no saved ones: the limit is the runs') twice a second.
        const done = pollUntil(async () => (await client.runs({ limit: String(ids.length) })).filter((r) => ids.includes(r.id) && ENDED.has(r.state)).length === ids.length, 600_000);
        return await healthzWhile(url, done);
      } finally {
        await serve.stop();
      }
    };
    options.progress(`healthz: ${options.runs} runs on the embedded server's run threads…`);
    const threads = await embedded(String(defaultRunThreads()));
    options.progress(`healthz: ${options.runs} runs on the embedded server's HTTP thread (--run-threads 0)…`);
    const inline = await embedded('0');
    options.progress(`healthz: ${options.runs} runs on an API + 2 workers on PostgreSQL…`);
    const apiWorkers = await apiWithWorkers(source, dir, options.runs).catch((error: unknown) => {
      options.progress(`healthz: no API + workers figure: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    return { runs: options.runs, threads, inline, apiWorkers };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ENDED = new Set(['completed', 'failed', 'halted', 'cancelled', 'refused']);
const HEALTHZ_TOKEN = 'bench-healthz-token-0123456789ab';

async function apiWithWorkers(source: string, dir: string, runs: number): Promise<HealthzFigure> {
  const cluster = await startThrowawayPostgres();
  try {
    const url = await freshDatabase(cluster.url, 'bench_healthz');
    const api = startCli(['serve', '--workers', '2', '--concurrency', '4', '--workspace', dir], { SQUAD_STORE: url, SQUAD_TOKEN: HEALTHZ_TOKEN });
    const stores = await openPgStores(url);
    try {
      const apiUrl = (await api.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
      const service = new ClusterRuns({ stores: sharedStoresOf(stores), workspace: dir });
      for (let i = 0; i < runs; i++) await service.start({ source, seed: i + 1, profile: 'local', paused: false }, { tenant: null });
      const done = pollUntil(async () => (await stores.db.query(`SELECT count(*)::int AS n FROM squad_runs WHERE state = 'done'`)).rows[0]?.n === runs, 600_000);
      return await healthzWhile(apiUrl, done);
    } finally {
      await api.stop();
      await stores.close();
    }
  } finally {
    await cluster.stop();
  }
}

/** Asks `/healthz` one request at a time (bounded) until `done` resolves: its p99, and the 1-minute load average at the end. */
async function healthzWhile(url: string, done: Promise<unknown>): Promise<HealthzFigure> {
  let over = false;
  void done.then(() => (over = true));
  const ms: number[] = [];
  for (let i = 0; i < 20_000 && !over; i++) {
    const t = performance.now();
    await fetch(`${url}/healthz`).then((r) => r.arrayBuffer());
    ms.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  await done;
  const sorted = ms.sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { p99Ms: at(0.99), p50Ms: at(0.5), samples: ms.length, load: loadavg()[0] ?? 0 };
}

async function pollUntil(predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('healthz bench: the runs did not finish in time');
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function healthzTable(b: HealthzBench): string {
  const cell = (x: HealthzFigure | null): string => (x ? `${x.p99Ms.toFixed(1)} ms (p50 ${x.p50Ms.toFixed(1)} ms, ${x.samples} requests, load ${x.load.toFixed(1)})` : 'n/a');
  return [
    `/healthz p99 while ${b.runs} runs execute (aim: under 50 ms)`,
    `  embedded, run threads          ${cell(b.threads)}`,
    `  embedded, HTTP thread (before) ${cell(b.inline)}`,
    `  API + 2 workers (PostgreSQL)   ${cell(b.apiWorkers)}`,
  ].join('\n');
}
