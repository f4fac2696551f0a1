import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { ClusterRuns } from '../server/cluster/clusterRuns';
import { sharedStoresOf } from '../server/cluster/openSharedStores';
import { startCli, type CliProcess } from '../server/cluster/testing/cliProcess';
import { describeDifference } from '../server/cluster/testing/journalDifference';
import { killCampaign, type KillCampaignResult } from '../server/cluster/testing/killCampaign';
import { seededRandom } from '../server/engine/randomSource';
import { flakyToolSquad } from '../server/mcp/testing/flakyToolSquad';
import { composeServer } from '../server/http/composeServer';
import { SquadClient } from '../server/http/squadClient';
import { FileJournals } from '../server/store/fileJournals';
import type { JournalStore } from '../server/store/journalStore';
import { openPgStores, type PgStores } from '../server/store/pg/pgStores';
import { makeRun } from '../server/store/testEvents';
import { freshDatabase } from '../server/store/testing/freshDatabase';
import { startThrowawayPostgres } from '../server/store/testing/throwawayPostgres';

/** The credit-memo sample, inline, local profile (simulated models and tools, virtual clock: a run is CPU, not waiting). */
const SAMPLE = resolve(__dirname, '../samples/credit-memo/credit-memo.squad.yaml');
const RUNS = 24;
const HEALTH_RUNS = 200;
const APPENDS = 400;
/**
 * The kill campaigns: SIGKILLs of `squad serve`, and of `squad worker`s, during runs on real stdio
 * tool servers; 50 in all (the issue's campaign), half of each.
 */
const KILL_CAMPAIGN: KillCampaignSize = { kills: 25, runs: 10 };
/** The sample credit bureau as `npm run build` bundles it (the bench runs from dist/). */
const BUREAU = resolve(__dirname, '../dist/credit-bureau.js');

/** A kill campaign's figures, and for each journal that differs, where it first parts from the uninterrupted run. */
export interface KillCampaignFigures {
  kills: number;
  identical: number;
  runs: number;
  /** Runs the server no longer knew after a kill (their journals empty). */
  lost: number;
  seconds: number;
  differences: { seed: number; difference: string }[];
}

export interface ScaleOutBench {
  runsPerSecond: { embedded: number; workers: Record<string, number> };
  appendMs: { file: { p50: number; p99: number }; postgres: { p50: number; p99: number } };
  healthzP99Ms: { embedded: number; postgres: number };
  /** Kill campaigns: kills dealt, runs whose finished journal is byte for byte the uninterrupted run's, of how many. */
  kills: Record<'serve' | 'worker', KillCampaignFigures>;
  runs: number;
  healthRuns: number;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
}

/** Append + flush of one event at a time (what a quiet run pays per event), p50/p99 in ms. */
async function appendLatency(store: JournalStore): Promise<{ p50: number; p99: number }> {
  const { writer } = await store.create('bench-append');
  const events = makeRun(APPENDS, 'bench-append');
  const ms: number[] = [];
  for (const e of events) {
    const t = performance.now();
    writer.append(e);
    await writer.flush();
    ms.push(performance.now() - t);
  }
  await writer.close();
  return { p50: pct(ms, 0.5), p99: pct(ms, 0.99) };
}

/** Polls /healthz (bounded) until `done` resolves; its p99 in ms. */
async function healthzWhile(url: string, done: Promise<unknown>): Promise<number> {
  let over = false;
  void done.then(() => (over = true));
  const ms: number[] = [];
  for (let i = 0; i < 5000 && !over; i++) {
    const t = performance.now();
    await fetch(`${url}/healthz`).then((r) => r.arrayBuffer());
    ms.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  return pct(ms, 0.99);
}

/** The embedded server on a free port in `workspace`, as `squad serve` runs it. */
async function embeddedServer(workspace: string): Promise<{ url: string; client: SquadClient; dispose(): Promise<void> }> {
  const server = await composeServer({ workspace, host: '127.0.0.1', port: 0, version: 'bench', writeServerFile: false, policy: { allowInline: true } });
  return { url: server.url, client: new SquadClient(server.url, server.token), dispose: () => server.close() };
}

async function until(predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('scale-out bench: runs did not finish in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `npm run bench` (or `-- --scale-out`): runs/s with 1, 2 and 4 `squad worker` processes on one
 * PostgreSQL against the embedded server; append p50/p99 on PostgreSQL vs the JSONL file; /healthz
 * p99 while 200 runs execute, embedded vs API + 2 workers. Side by side in one script, same squad.
 */
export async function benchScaleOut(progress: (line: string) => void): Promise<ScaleOutBench> {
  const source = await readFile(SAMPLE, 'utf8');
  const cluster = await startThrowawayPostgres();
  const dir = await mkdtemp(join(tmpdir(), 'squad-bench-scale-'));
  const open: PgStores[] = [];
  const workers: CliProcess[] = [];
  try {
    progress('scale-out: append p50/p99, file vs PostgreSQL…');
    const file = await appendLatency(FileJournals.forWorkspace(dir));
    const pgAppend = await openPgStores(await freshDatabase(cluster.url, 'bench_append'));
    open.push(pgAppend);
    const postgres = await appendLatency(pgAppend.journals);

    progress(`scale-out: ${RUNS} runs on the embedded server…`);
    const embedded = await embeddedServer(await mkdtemp(join(dir, 'embedded-')));
    let embeddedRps: number;
    try {
      const t = performance.now();
      const ids = await Promise.all(Array.from({ length: RUNS }, (_, i) => embedded.client.startRun({ source, seed: i + 1, profile: 'local' }).then((r) => r.id)));
      await until(async () => (await embedded.client.runs({ limit: '1000' })).filter((r) => ids.includes(r.id) && r.state === 'completed').length === RUNS, 300_000);
      embeddedRps = RUNS / ((performance.now() - t) / 1000);
    } finally {
      await embedded.dispose();
    }

    const rps: Record<string, number> = {};
    for (const n of [1, 2, 4]) {
      progress(`scale-out: ${RUNS} runs on ${n} worker process(es), one PostgreSQL…`);
      const url = await freshDatabase(cluster.url, `bench_w${n}`);
      const stores = await openPgStores(url);
      open.push(stores);
      const runs = new ClusterRuns({ stores: sharedStoresOf(stores), workspace: dir });
      const ws = Array.from({ length: n }, () => startCli(['worker', '--store', url, '--concurrency', '4']));
      workers.push(...ws);
      await Promise.all(ws.map((w) => w.waitFor(/squad worker \S+ on/)));
      const t = performance.now();
      for (let i = 0; i < RUNS; i++) await runs.start({ source, seed: i + 1, profile: 'local', paused: false }, { tenant: null });
      await until(async () => (await stores.db.query(`SELECT count(*)::int AS n FROM squad_runs WHERE state = 'done'`)).rows[0]?.n === RUNS, 300_000);
      rps[String(n)] = RUNS / ((performance.now() - t) / 1000);
      await Promise.all(ws.map((w) => w.stop()));
    }

    progress(`scale-out: /healthz while ${HEALTH_RUNS} runs execute, embedded vs API + 2 workers…`);
    const busy = await embeddedServer(await mkdtemp(join(dir, 'busy-')));
    let healthEmbedded: number;
    try {
      const starts = Promise.all(
        Array.from({ length: HEALTH_RUNS }, (_, i) =>
          busy.client
            .startRun({ source, seed: i + 1, profile: 'local' })
            .then((r) => r.id)
            .catch(() => null),
        ),
      );
      const ids = (await starts).filter((id): id is string => id !== null);
      const done = until(
        async () => (await busy.client.runs({ limit: '1000' })).filter((r) => ids.includes(r.id) && ['completed', 'failed', 'halted'].includes(r.state)).length === ids.length,
        600_000,
      );
      healthEmbedded = await healthzWhile(busy.url, done);
      await done;
    } finally {
      await busy.dispose();
    }
    const url = await freshDatabase(cluster.url, 'bench_health');
    const api = startCli(['serve', '--workers', '2', '--concurrency', '4', '--workspace', dir], { SQUAD_STORE: url, SQUAD_TOKEN: 'bench-scale-out-token-0123456789' });
    workers.push(api);
    const apiUrl = (await api.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const stores = await openPgStores(url);
    open.push(stores);
    const runs = new ClusterRuns({ stores: sharedStoresOf(stores), workspace: dir });
    for (let i = 0; i < HEALTH_RUNS; i++) await runs.start({ source, seed: i + 1, profile: 'local', paused: false }, { tenant: null });
    const done = until(async () => (await stores.db.query(`SELECT count(*)::int AS n FROM squad_runs WHERE state = 'done'`)).rows[0]?.n === HEALTH_RUNS, 600_000);
    const healthPg = await healthzWhile(apiUrl, done);
    await done;
    await api.stop();

    const kills = { serve: await campaign(dir, 'serve', cluster.url, progress, KILL_CAMPAIGN), worker: await campaign(dir, 'worker', cluster.url, progress, KILL_CAMPAIGN) };
    return {
      runsPerSecond: { embedded: embeddedRps, workers: rps },
      appendMs: { file, postgres },
      healthzP99Ms: { embedded: healthEmbedded, postgres: healthPg },
      kills,
      runs: RUNS,
      healthRuns: HEALTH_RUNS,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(open.map((s) => s.close()));
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** How many SIGKILLs a kill campaign deals at most, during how many runs. */
export interface KillCampaignSize {
  kills: number;
  runs: number;
  /** Where to keep both journals of each run that differs (see `KillCampaignOptions.keepDifferent`). */
  keepDifferent?: string;
}

/**
 * `npm run bench -- --kill-campaign [--target serve|worker] [--kills N] [--kill-runs N]`: the kill
 * campaigns alone (both targets unless one is named), on their own PostgreSQL.
 */
export async function benchKillCampaigns(progress: (line: string) => void, o: KillCampaignSize & { targets: readonly ('serve' | 'worker')[] }): Promise<Partial<ScaleOutBench['kills']>> {
  const cluster = await startThrowawayPostgres();
  const dir = await mkdtemp(join(tmpdir(), 'squad-bench-kills-'));
  try {
    const out: Partial<ScaleOutBench['kills']> = {};
    for (const kind of o.targets) out[kind] = await campaign(dir, kind, cluster.url, progress, o);
    return out;
  } finally {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The kill campaigns' rows of the scale-out table, then one line per journal that differs. */
export function killCampaignTable(kills: Partial<ScaleOutBench['kills']>): string {
  const t = new Table({ head: ['kill campaign', 'figure', 'against'] });
  t.push(...killRows(kills));
  return [t.toString(), ...differenceLines(kills)].join('\n');
}

function killRows(kills: Partial<ScaleOutBench['kills']>): string[][] {
  return (['serve', 'worker'] as const).flatMap((k) => {
    const c = kills[k];
    return c
      ? [
          [
            `SIGKILLs of squad ${k}, stdio tool servers`,
            `${c.identical} of ${c.runs} journals identical after ${c.kills} kills${c.lost > 0 ? ` (${c.lost} runs lost)` : ''}`,
            `uninterrupted runs (${c.seconds.toFixed(0)} s)`,
          ],
        ]
      : [];
  });
}

function differenceLines(kills: Partial<ScaleOutBench['kills']>): string[] {
  return (['serve', 'worker'] as const).flatMap((k) => (kills[k]?.differences ?? []).map((d) => `kill campaign (${k}), seed ${d.seed}: ${d.difference}`));
}

/** One kill campaign of `size.kills` SIGKILLs (of `kind`) during `size.runs` runs on the flaky bureau squad, with a progress line per kill. */
async function campaign(dir: string, kind: 'serve' | 'worker', clusterUrl: string, progress: (line: string) => void, size: KillCampaignSize): Promise<KillCampaignFigures> {
  const workspace = await mkdtemp(join(dir, `kills-${kind}-`));
  await writeFile(join(workspace, 'flaky.squad.yaml'), flakyToolSquad({ name: 'flaky-bureau', rounds: 60, bureau: BUREAU }));
  const target = kind === 'serve' ? { kind } : { kind, store: await freshDatabase(clusterUrl, 'bench_kills') };
  const seeds = Array.from({ length: size.runs }, (_, i) => 100 + i);
  const result: KillCampaignResult = await killCampaign({
    workspace,
    file: 'flaky.squad.yaml',
    profile: 'flaky',
    seeds,
    kills: size.kills,
    maxEventsBetweenKills: kind === 'serve' ? 120 : 60,
    random: seededRandom(kind === 'serve' ? 50 : 51),
    target,
    timeoutMs: 1_500_000,
    onKill: (n) => progress(`scale-out: kill campaign (${kind}): SIGKILL ${n} of ${size.kills}…`),
    ...(size.keepDifferent ? { keepDifferent: join(size.keepDifferent, kind) } : {}),
  });
  const differences = result.runs.flatMap((r) => (r.difference ? [{ seed: r.seed, difference: describeDifference(r.difference) }] : []));
  for (const d of differences) progress(`scale-out: kill campaign (${kind}): seed ${d.seed} differs at ${d.difference}`);
  return {
    kills: result.kills,
    identical: result.runs.filter((r) => r.identical).length,
    runs: result.runs.length,
    lost: result.runs.filter((r) => r.lost).length,
    seconds: result.ms / 1000,
    differences,
  };
}

export function scaleOutTable(b: ScaleOutBench): string {
  const t = new Table({ head: ['scale-out', 'figure', 'against'] });
  const w = b.runsPerSecond.workers;
  t.push(
    [`runs/s, ${b.runs} credit-memo runs`, `1 worker ${w['1']?.toFixed(1)}, 2 workers ${w['2']?.toFixed(1)}, 4 workers ${w['4']?.toFixed(1)}`, `embedded ${b.runsPerSecond.embedded.toFixed(1)}`],
    [
      'append + flush of one event, p50 / p99',
      `PostgreSQL ${b.appendMs.postgres.p50.toFixed(2)} / ${b.appendMs.postgres.p99.toFixed(2)} ms`,
      `file ${b.appendMs.file.p50.toFixed(2)} / ${b.appendMs.file.p99.toFixed(2)} ms`,
    ],
    [`/healthz p99 while ${b.healthRuns} runs execute`, `API + 2 workers ${b.healthzP99Ms.postgres.toFixed(1)} ms`, `embedded ${b.healthzP99Ms.embedded.toFixed(1)} ms`],
    ...killRows(b.kills),
  );
  return [t.toString(), ...differenceLines(b.kills)].join('\n');
}
