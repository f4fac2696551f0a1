import { getHeapStatistics } from 'node:v8';

/**
 * The measuring harness shared by both subjects, so both are timed and weighed the same way.
 *
 * A subject is prepared outside the measured span (temp file, graph compilation), executed inside it,
 * then weighed while it still holds its journal or checkpointer, and only then verified and released.
 *
 * Timing and weighing are separate runs, because a forced full GC, which a heap baseline needs, costs
 * the next run its JIT state: measured here, our engine ran the 900 steps after a `gc()` 1.4-3x slower
 * than without it, and --trace-opt showed ~40 functions optimized again in each such run (2-4 without).
 * Our guess: the previous run's objects are all dead, so V8 drops their hidden classes and the code
 * optimized for them. That would charge every timed run a re-warm-up, which weighs on a 0.3 s run far
 * more than on a 3 s one. So timed runs leave GC to V8, as a long-lived process does, and gc'd
 * baselines belong to the weighing runs only.
 */
export interface Subject {
  /** Runs the loop once, calling `step` at the start of every step (agent turn / node execution). */
  execute(step: () => void): Promise<void>;
  /** Throws unless the run did what it should; runs after the measurements. */
  verify(): Promise<void>;
  /** Drops the journal / checkpointer and any files. */
  release(): Promise<void>;
}

export interface Timing {
  steps: number;
  wallMs: number;
  usPerStep: number;
  /**
   * CPU time (user + system, all of the process's threads) per step. On a shared machine wall time
   * also counts the time other processes held the cores; CPU time counts our work only, so it is the
   * figure to compare two variants of our own engine by.
   */
  cpuUsPerStep: number;
}

export interface Weight {
  /** Highest heap used, sampled during the run, over the gc'd baseline taken just before it. */
  peakHeapBytes: number;
  /** Heap still used after the run and a full gc, with the subject not yet released. */
  retainedBytes: number;
}

/** Heap samples while weighing: often enough to see a trend, rare enough to cost nothing. */
export const SAMPLE_EVERY = 100;

const gc: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    throw new Error('run with node --expose-gc (npm run bench does)');
  });

/** Two passes: the first can leave finalizer-held objects for the second. */
function fullGc(): void {
  gc();
  gc();
}

/** `used_heap_size` is `process.memoryUsage().heapUsed` without the RSS read that comes with it. */
function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

/** Wall time of one run, with nothing but a step counter inside it. */
export async function time(prepare: () => Promise<Subject>): Promise<Timing> {
  const subject = await prepare();
  let steps = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await subject.execute(() => {
    steps++;
  });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await subject.verify();
  await subject.release();
  return { steps, wallMs, usPerStep: (wallMs * 1000) / steps, cpuUsPerStep: (used.user + used.system) / steps };
}

/**
 * Heap of one run over a gc'd baseline, sampled every `every` steps from inside the run.
 *
 * `live`: collect garbage before each sample, so the peak is live memory only. Without it the peak
 * also counts young-generation garbage (up to the semi-space size, megabytes), which hides whether the
 * live heap is flat; with it the wall time means nothing, hence a pass of each kind.
 */
export async function weigh(prepare: () => Promise<Subject>, every: number, live: boolean): Promise<Weight> {
  const subject = await prepare();
  fullGc();
  const baseline = heapUsed();
  let peak = baseline;
  let steps = 0;
  const sample = (): void => {
    if (live) gc();
    const used = heapUsed();
    if (used > peak) peak = used;
  };
  await subject.execute(() => {
    if (++steps % every === 0) sample();
  });
  sample();
  fullGc();
  const retainedBytes = heapUsed() - baseline;
  await subject.verify();
  await subject.release();
  return { peakHeapBytes: peak - baseline, retainedBytes };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${sign}${abs.toFixed(0)} B`;
  if (abs < 1024 * 1024) return `${sign}${(abs / 1024).toFixed(1)} KiB`;
  return `${sign}${(abs / 1024 / 1024).toFixed(2)} MiB`;
}
