import { describe, expect, it } from 'vitest';
import { runTimes } from './runTimes';

describe('runTimes: when a run started and how long it took', () => {
  const now = new Date('2026-12-01T15:00:00');
  it('shows the time of day and the wall duration of a run of today', () => {
    const t = runTimes({ startedAt: new Date('2026-12-01T14:03:12').toISOString(), createdAt: null, wallMs: 1712, virtualMs: 12_400, state: 'completed' }, now);
    expect(t.short).toBe('14:03 · 1.7 s');
    expect(t.long).toBe('started 2026-12-01 14:03:12, took 1.7 s wall, 12.4 s simulated');
  });
  it('shows the day of an older run, the simulated time of a journal without wall times, nothing for a duration still going', () => {
    expect(runTimes({ startedAt: new Date('2026-11-28T09:00:00').toISOString(), createdAt: null, wallMs: null, virtualMs: 90_500, state: 'halted' }, now).short).toBe('2026-11-28 · 1 min 31 s sim');
    expect(runTimes({ startedAt: null, createdAt: null, wallMs: null, virtualMs: 300, state: 'completed' }, now)).toEqual({ short: '300 ms sim', long: 'took 300 ms simulated' });
    expect(runTimes({ startedAt: new Date('2026-12-01T14:59:00').toISOString(), createdAt: null, wallMs: null, virtualMs: 0, state: 'running' }, now).short).toBe('14:59');
  });
});
