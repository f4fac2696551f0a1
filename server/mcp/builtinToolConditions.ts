import type { ToolConditionsConfig } from '../../protocol/squad/toolConditions';

/**
 * What every tool server meets under the built-in profiles, unless the squad file's profile says
 * otherwise for that server. `local` is a laptop talking to a server beside it; `production` is a
 * shared, unscaled server across a network at peak: a heavy tail, cold replicas, a small error and
 * drop rate, and four calls at a time per replica. A profile of the file's own starts from `local`.
 */
export const BUILTIN_TOOL_CONDITIONS: Readonly<Record<string, ToolConditionsConfig>> = {
  local: {},
  staging: {
    latency: { p50Ms: 30, p99Ms: 250, distribution: 'lognormal' },
    errorRate: 0.002,
    coldStartMs: 400,
  },
  production: {
    latency: { p50Ms: 90, p99Ms: 1200, distribution: 'lognormal' },
    errorRate: 0.005,
    dropRate: 0.005,
    hangRate: 0.001,
    coldStartMs: 1500,
    concurrency: 4,
  },
};
