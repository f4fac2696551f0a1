import { percentile } from '../../protocol/toolStats';

export interface LatencyHistogram {
  /** Bucket upper bounds in ms (log-spaced), and how many calls fell in each. */
  bounds: number[];
  counts: number[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  calls: number;
}

/**
 * Buckets latencies on a log scale (tool latency spans 1 ms cache hits to multi-second hangs; a
 * linear scale would squeeze the body of the distribution into one bar). Percentiles are the
 * accounting's nearest-rank ones, so they match the CLI's tool table.
 */
export function latencyHistogram(latencies: readonly number[], buckets = 16): LatencyHistogram {
  const sorted = [...latencies].sort((a, b) => a - b);
  const max = sorted.at(-1) ?? 0;
  const min = Math.max(1, sorted[0] ?? 1);
  const top = Math.max(min * 2, max);
  const ratio = Math.pow(top / min, 1 / buckets);
  const bounds = Array.from({ length: buckets }, (_, i) => (i === buckets - 1 ? top : min * Math.pow(ratio, i + 1)));
  const counts = new Array<number>(buckets).fill(0);
  let b = 0;
  for (const v of sorted) {
    while (b < buckets - 1 && v > bounds[b]!) b++;
    counts[b]! += 1;
  }
  return { bounds, counts, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: max, calls: sorted.length };
}
