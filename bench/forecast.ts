import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ForecastJob } from '../server/gate/gateJobs';
import { defaultConcurrency, runOnWorkers } from '../server/gate/gateWorkerPool';

export interface ForecastBenchRow {
  profile: string;
  workers: number;
  runs: number;
  wallMs: number;
  runsPerSecond: number;
}

/**
 * `squad forecast`'s engine room: simulated credit-memo runs on worker threads (one per core), side
 * by side with the same runs on one worker (the peer: what one event loop does). Target: 1,000 runs
 * in under 30 s on two cores. Every run must complete, or the figure would be of something else.
 */
export async function benchForecast(options: { runs?: number; peerRuns?: number; profile?: string } = {}): Promise<{ pool: ForecastBenchRow; single: ForecastBenchRow }> {
  const profile = options.profile ?? 'local';
  const path = resolve(__dirname, '../samples/credit-memo/credit-memo.squad.yaml');
  const text = await readFile(path, 'utf8');
  const jobs = (n: number): ForecastJob[] => Array.from({ length: n }, (_, i) => ({ kind: 'forecast', id: i + 1, path, text, profile, seed: i + 1 }));
  const measure = async (n: number, workers: number): Promise<ForecastBenchRow> => {
    const signal = new AbortController().signal;
    const began = performance.now();
    const results = await runOnWorkers(jobs(n), { signal, concurrency: workers });
    const wallMs = performance.now() - began;
    const bad = results.find((r) => r.kind !== 'forecast' || r.status !== 'completed');
    if (bad) throw new Error(`a forecast run did not complete: ${JSON.stringify(bad).slice(0, 300)}`);
    return { profile, workers, runs: n, wallMs, runsPerSecond: (n * 1000) / wallMs };
  };
  const workers = defaultConcurrency();
  const single = await measure(options.peerRuns ?? 250, 1);
  const pool = await measure(options.runs ?? 1000, workers);
  return { pool, single };
}
