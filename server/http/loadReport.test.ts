import { describe, expect, it } from 'vitest';
import type { RunSample } from './loadDriver';
import { loadReport } from './loadReport';

const sample = (o: Partial<RunSample>): RunSample => ({
  tenant: 'load-1',
  state: 'completed',
  inSpike: false,
  refusedAtStart: false,
  virtualMs: 1000,
  wallMs: 10,
  queuedMs: 0,
  costUsd: 0.01,
  rateLimit: { waits: 0, waitMs: 0, refusals: 0 },
  ...o,
});

describe('loadReport instances', () => {
  it('sums each instance over the runs and divides its busy time by all runs\u2019 virtual time', () => {
    const r = loadReport(
      [
        sample({ virtualMs: 1000, instances: { 'f#1': { turns: 2, busyMs: 500 }, 'f#2': { turns: 1, busyMs: 250 }, 'f#10': { turns: 0, busyMs: 0 } } }),
        sample({ virtualMs: 3000, instances: { 'f#1': { turns: 1, busyMs: 500 }, 'f#2': { turns: 3, busyMs: 1750 }, 'f#10': { turns: 1, busyMs: 400 } } }),
        sample({ state: 'refused', refusedAtStart: true, virtualMs: 0 }),
      ],
      100,
    );
    expect(r.instances).toEqual([
      { instance: 'f#1', runs: 2, turns: 3, busyMs: 1000, utilization: 0.25 },
      { instance: 'f#2', runs: 2, turns: 4, busyMs: 2000, utilization: 0.5 },
      { instance: 'f#10', runs: 1, turns: 1, busyMs: 400, utilization: 0.1 },
    ]);
  });

  it('reports no instances for a squad without replicas', () => {
    expect(loadReport([sample({})], 100).instances).toEqual([]);
  });
});
