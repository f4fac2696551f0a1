import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { GateResultSchema, type GateJob, type GateResult } from './gateJobs';

export interface GateWorkerPoolOptions {
  /** Worker threads at most (default: the machine's cores); never more than there are jobs. */
  concurrency?: number;
  /** The worker script (default: `gateWorker.js` beside this bundle). */
  script?: string;
  signal: AbortSignal;
  /** Called as each job ends, in the order they end. */
  onResult?: (result: GateResult, job: GateJob) => void;
}

/** Where the worker bundle is: beside `dist/cli.js` (the extension and tests run the CLI bundle). */
export function gateWorkerScript(dir: string = __dirname): string {
  const script = join(dir, 'gateWorker.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);
  return script;
}

export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs jobs on worker threads, each worker one job at a time, so runs really use every core: a
 * simulated run is CPU work (tokenizing, guardrails, the journal), and one event loop would run them
 * one after another. Results come back in job order. An abort stops handing out jobs, terminates the
 * workers and rejects; a worker that dies rejects with its error. Each result is parsed at the
 * boundary (`GateResultSchema`).
 */
export async function runOnWorkers(jobs: readonly GateJob[], options: GateWorkerPoolOptions): Promise<GateResult[]> {
  const results = new Array<GateResult | undefined>(jobs.length);
  if (jobs.length === 0) return [];
  const script = options.script ?? gateWorkerScript();
  const count = Math.max(1, Math.min(options.concurrency ?? defaultConcurrency(), jobs.length));
  const indexOf = new Map(jobs.map((j, i) => [j.id, i]));
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((done, fail) => {
      let finished = 0;
      let failed = false;
      const stop = (error: Error) => {
        if (failed) return;
        failed = true;
        fail(error);
      };
      const abort = () => stop(options.signal.reason instanceof Error ? options.signal.reason : new Error('cancelled'));
      if (options.signal.aborted) {
        abort();
        return;
      }
      options.signal.addEventListener('abort', abort, { once: true });
      const feed = (worker: Worker) => {
        if (failed || next >= jobs.length) return;
        worker.postMessage(jobs[next++]);
      };
      for (let i = 0; i < count; i++) {
        const worker = new Worker(script);
        workers.push(worker);
        worker.on('message', (message: unknown) => {
          const parsed = GateResultSchema.safeParse(message);
          if (!parsed.success) {
            stop(new Error(`a worker sent a malformed result: ${parsed.error.message}`));
            return;
          }
          const result = parsed.data;
          const index = indexOf.get(result.id);
          if (index === undefined) {
            stop(new Error(result.kind === 'error' ? result.message : `a worker answered job ${result.id}, which it was not given`));
            return;
          }
          results[index] = result;
          options.onResult?.(result, jobs[index]!);
          finished += 1;
          if (finished === jobs.length) {
            options.signal.removeEventListener('abort', abort);
            done();
            return;
          }
          feed(worker);
        });
        worker.on('error', (error) => stop(error));
        worker.on('exit', (code) => {
          if (finished < jobs.length) stop(new Error(`a worker exited (code ${code}) with jobs left`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.map((r, i) => r ?? { kind: 'error', id: jobs[i]!.id, message: 'no result' });
}
