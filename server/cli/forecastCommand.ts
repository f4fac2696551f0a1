import { resolve } from 'node:path';
import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import { forecastOf, type Forecast } from '../gate/forecastStats';
import type { ForecastJob, ForecastSample, GateResult } from '../gate/gateJobs';
import { defaultConcurrency, runOnWorkers } from '../gate/gateWorkerPool';
import { ms, usd } from './formatUnits';
import { compactTable } from './compactTable';
import { ExitCode, type CliIo } from './cliIo';
import { paintFor, type Paint } from './paint';
import { ProgressBar } from './progressBar';
import { readTenants } from './serveCommand';
import { loadSquadToRun } from './loadSquadToRun';

export interface ForecastArgs {
  file: string;
  profile: string;
  runsPerDay: number;
  days: number;
  /** Seeded runs to sample; undefined: as many as fit in DEFAULT_BUDGET_MS. */
  seeds: number | undefined;
  tenants: string | undefined;
  peakFactor: number;
  json: boolean;
  concurrency: number | undefined;
  /** Trust the file without asking (CI), as `squad run --yes`. */
  yes: boolean;
}

/** Without --seeds, the sample is as large as fits in this much wall time (measured on a first batch). */
const DEFAULT_BUDGET_MS = 5_000;
const MIN_DEFAULT_SEEDS = 20;
const MAX_DEFAULT_SEEDS = 1_000;

/**
 * `squad forecast FILE --runs-per-day N`: K seeded runs of the squad under a profile, on every core,
 * folded into what it costs at that volume and how close it runs to its limits. Seeds are 1…K, so
 * the same K gives the same forecast.
 */
export async function forecastCommand(args: ForecastArgs, io: CliIo): Promise<number> {
  // Forecast runs keep no journal: the trust asked is the working directory's.
  const loaded = await loadSquadToRun({ ...args, workspace: '.' }, io);
  if (!loaded.ok) return loaded.exitCode;
  const tenants: TenantsFile | null = args.tenants === undefined ? null : await readTenants(resolve(io.cwd, args.tenants));
  const path = loaded.shownPath;
  const workers = Math.max(1, args.concurrency ?? defaultConcurrency());
  const started = performance.now();
  const job = (seed: number): ForecastJob => ({ kind: 'forecast', id: seed, path, text: loaded.text, profile: args.profile, seed });
  const samples: ForecastSample[] = [];
  const failures: string[] = [];
  const collect = (r: GateResult): void => {
    if (r.kind === 'forecast') samples.push(r);
    else if (r.kind === 'error') failures.push(r.message);
  };

  // A first batch (two runs per worker) measures how long a run takes, unless K is given.
  const first = Math.min(args.seeds ?? 2 * workers, 2 * workers);
  let total = args.seeds ?? MAX_DEFAULT_SEEDS;
  const progress = !args.json && io.stderr.isTTY ? new ProgressBar(io.stderr, 'squad forecast', total) : null;
  try {
    const batch1 = Array.from({ length: first }, (_, i) => job(i + 1));
    await runOnWorkers(batch1, { signal: io.signal, concurrency: workers, onResult: (r) => (collect(r), progress?.tick()) });
    if (args.seeds === undefined) {
      // Each worker's first run warms it up (module load, JIT): the warm half says what a run costs.
      const warm = samples
        .map((x) => x.wallMs)
        .sort((a, b) => a - b)
        .slice(0, Math.max(1, samples.length - workers));
      const perRun = warm.reduce((s, x) => s + x, 0) / warm.length;
      total = Math.max(MIN_DEFAULT_SEEDS, Math.min(MAX_DEFAULT_SEEDS, Math.floor((DEFAULT_BUDGET_MS * workers) / Math.max(1, perRun))));
      progress?.setTotal(total);
    }
    const rest = Array.from({ length: Math.max(0, total - first) }, (_, i) => job(first + i + 1));
    await runOnWorkers(rest, {
      signal: io.signal,
      concurrency: workers,
      onResult: (r) => {
        collect(r);
        progress?.tick(`mean ${usd(samples.reduce((s, x) => s + x.costUsd, 0) / Math.max(1, samples.length))} a run`);
      },
    });
  } finally {
    progress?.clear();
  }
  if (io.signal.aborted) return ExitCode.cancelled;
  if (failures.length > 0) {
    io.stderr.write(`squad: ${failures.length} of ${total} forecast runs could not run; the first: ${failures[0]}\n`);
    return ExitCode.failed;
  }
  samples.sort((a, b) => a.seed - b.seed);
  const forecast = forecastOf(
    samples,
    { squad: loaded.squad, file: path, profile: args.profile, runsPerDay: args.runsPerDay, days: args.days, peakFactor: args.peakFactor, tenants },
    performance.now() - started,
  );
  io.stdout.write(args.json ? `${JSON.stringify(forecast)}\n` : humanForecast(forecast, paintFor(io.stdout, io.env)));
  return ExitCode.completed;
}

function humanForecast(f: Forecast, paint: Paint): string {
  const lines: string[] = [];
  const pct = (x: number | null) => (x === null ? paint.dim('-') : `${(x * 100).toFixed(1)}%`);
  const int = (x: number) => Math.round(x).toLocaleString('en-US');
  lines.push(`${paint.bold(f.squad)} · profile ${f.profile} · ${f.runs} seeded runs (seeds ${f.seeds.first}-${f.seeds.last}) · ${int(f.runsPerDay)} runs a day`);

  const cost = compactTable(['cost', 'mean', 'p50', 'p95', 'p99', 'max'], ['left', 'right', 'right', 'right', 'right', 'right'], paint);
  const q = f.costPerRunUsd;
  cost.push(['per run', usd(q.mean), usd(q.p50), usd(q.p95), usd(q.p99), usd(q.max)]);
  cost.push(['per day', usd(f.costPerDayUsd), usd(q.p50 * f.runsPerDay), usd(q.p95 * f.runsPerDay), usd(q.p99 * f.runsPerDay), '']);
  cost.push([`per ${f.days} days`, usd(f.costForPeriodUsd), '', '', '', '']);
  cost.push(['per month (30 days)', usd(f.costPerMonthUsd), '', '', '', '']);
  const t = f.runTimeMs;
  cost.push(['run time', ms(t.mean), ms(t.p50), ms(t.p95), ms(t.p99), ms(t.max)]);
  lines.push(cost.toString());

  const agents = compactTable(['agent', 'mean a run', 'share', 'per day'], ['left', 'right', 'right', 'right'], paint);
  for (const [name, a] of Object.entries(f.agents).sort((x, y) => y[1].meanCostUsd - x[1].meanCostUsd)) agents.push([name, usd(a.meanCostUsd), pct(a.share), usd(a.costPerDayUsd)]);
  lines.push(agents.toString());

  const outcome = Object.entries(f.statuses)
    .map(([s, n]) => `${s} ${pct(n / f.runs)}`)
    .join(', ');
  const trips = Object.entries(f.trips).map(([k, share]) => `${k} ${pct(share)}`);
  lines.push(`runs: ${outcome} · guardrails tripped: ${trips.length > 0 ? trips.join(', ') : paint.green('none in any run')}`);

  const rl = compactTable(['model at peak', 'requests/min', 'limit', 'headroom', 'tokens/min', 'limit', 'headroom'], ['left', 'right', 'right', 'right', 'right', 'right', 'right'], paint);
  for (const [model, r] of Object.entries(f.rateLimits)) {
    const room = (x: number | null) => (x === null ? paint.dim('no limit declared') : x < 0 ? paint.red(pct(x)) : x < 0.2 ? paint.yellow(pct(x)) : pct(x));
    rl.push([
      model,
      int(r.requestsPerMinute),
      r.limit.requestsPerMinute === null ? '-' : int(r.limit.requestsPerMinute),
      room(r.headroom.requests),
      int(r.tokensPerMinute),
      r.limit.tokensPerMinute === null ? '-' : int(r.limit.tokensPerMinute),
      room(r.headroom.tokens),
    ]);
  }
  lines.push(rl.toString());
  lines.push(paint.dim(`peak: the busiest minute of an hour carrying ${f.peak.factor}× an average hour (${int(f.peak.hourRuns)} runs), ${int(f.peak.concurrentRuns)} runs in flight at once`));

  const tenants = compactTable(
    ['tenant', 'runs/day', 'cost/day', 'daily budget', 'used', 'req/min at peak', 'limit', 'runs at once', 'limit'],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    paint,
  );
  for (const [id, x] of Object.entries(f.tenants)) {
    const used = x.budgetUsed === null ? paint.dim('-') : x.budgetUsed > 1 ? paint.red(pct(x.budgetUsed)) : pct(x.budgetUsed);
    const over = (v: number, limit: number) => (v > limit ? paint.red(int(v)) : int(v));
    tenants.push([
      id,
      int(x.runsPerDay),
      usd(x.costPerDayUsd),
      usd(x.dailyBudgetUsd),
      used,
      over(x.requestsPerMinute, x.limit.requestsPerMinute),
      int(x.limit.requestsPerMinute),
      over(x.concurrentRuns, x.limit.maxConcurrentRuns),
      int(x.limit.maxConcurrentRuns),
    ]);
  }
  lines.push(tenants.toString());
  lines.push(paint.dim(`${f.runs} runs in ${ms(f.wallMs)} · rerun one: squad run ${f.file} --profile ${f.profile} --seed N`));
  return `${lines.join('\n')}\n`;
}
