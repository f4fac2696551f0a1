import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker, type MessagePort } from 'node:worker_threads';
import type { ThreadRunStart } from '../../protocol/runThreadMessage';

/** Where the run thread's bundle is: beside the server's (`dist/server.js`, the CLI's chunks, `dist/bench.js`). */
export function runThreadScript(dir: string = __dirname): string {
  return join(dir, 'runThread.js');
}

/** True when the bundle is there (false for the server run from source, as tests do). */
export function hasRunThreadScript(dir: string = __dirname): boolean {
  return existsSync(runThreadScript(dir));
}

/** Run threads when no flag says: one per core. */
export function defaultRunThreads(): number {
  return Math.max(1, availableParallelism());
}

/** What the pool tells a run placed on a thread. */
export interface PooledRun {
  /** The thread stopped (crashed, or was terminated) while the run was on it. */
  threadDied(error: Error): void;
}

interface RunThread {
  worker: Worker;
  runs: Set<PooledRun>;
  /** The last uncaught error of the thread, for the reason its runs fail with. */
  error: Error | null;
}

/**
 * A small pool of worker threads for the embedded server's runs, several runs per thread: a thread
 * interleaves its runs as the HTTP thread used to (each run is async), and a run goes to the thread
 * with the fewest runs. Threads start when the first runs need them and live until `close`.
 *
 * A thread that exits while it holds runs (an uncaught error, an out-of-memory kill, `terminate`)
 * is dropped from the pool, and each of its runs is told (`threadDied`) so that it fails rather than
 * hangs; later runs go to the other threads or to a new one.
 */
export class RunThreadPool {
  private readonly threads: RunThread[] = [];
  private closing = false;

  constructor(
    readonly size: number,
    private readonly script: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`run threads must be a whole number of at least 1, got ${size}`);
    if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);
  }

  /** Starts `run` on the least busy thread; `port` becomes the run's end of its channel there. */
  place(run: PooledRun, start: ThreadRunStart, port: MessagePort): Worker {
    if (this.closing) throw new Error('the server is shutting down');
    const thread = this.pick();
    thread.runs.add(run);
    thread.worker.postMessage({ ...start, port }, [port]);
    return thread.worker;
  }

  /** The run is over on its thread (its journal closed). */
  release(run: PooledRun): void {
    for (const t of this.threads) t.runs.delete(run);
  }

  /** The threads alive now (tests end one to see its runs fail). */
  workers(): Worker[] {
    return this.threads.map((t) => t.worker);
  }

  /** Terminates every thread. Runs still on one are not told: the server is going away with them. */
  async close(): Promise<void> {
    this.closing = true;
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private pick(): RunThread {
    let best: RunThread | undefined;
    for (const t of this.threads) if (!best || t.runs.size < best.runs.size) best = t;
    if (best && (best.runs.size === 0 || this.threads.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): RunThread {
    const worker = new Worker(this.script);
    const thread: RunThread = { worker, runs: new Set(), error: null };
    worker.on('error', (error) => {
      thread.error = error;
      this.log(`a run thread failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
      if (this.closing) return;
      const runs = [...thread.runs];
      thread.runs.clear();
      const why = new Error(`its run thread stopped (exit code ${code}${thread.error ? `: ${thread.error.message}` : ''})`);
      if (runs.length > 0) this.log(`a run thread stopped with ${runs.length} run(s) on it: ${why.message}`);
      for (const run of runs) run.threadDied(why);
    });
    this.threads.push(thread);
    return thread;
  }
}
