import { describe, expect, it } from 'vitest';
import { runDifferences } from './runDifferences';

describe('runDifferences: what ▶ Run would change about the run shown', () => {
  const run = { file: 'failure-modes/deadlock-loan-pricing.squad.yaml', profile: 'production', seed: 790056773, tenant: 'default' };
  it('is empty when the form holds the run’s own inputs', () => {
    expect(runDifferences(run, { path: run.file, profile: 'production', seed: '790056773', tenant: 'default' })).toEqual([]);
  });
  it('names each input that differs, with the run’s value', () => {
    expect(runDifferences(run, { path: 'credit-memo.squad.yaml', profile: 'local', seed: '1', tenant: 'acme' })).toEqual([
      'file credit-memo.squad.yaml (was failure-modes/deadlock-loan-pricing.squad.yaml)',
      'profile local (was production)',
      'seed 1 (was 790056773)',
      'tenant acme (was default)',
    ]);
    expect(runDifferences(run, { path: run.file, profile: 'production', seed: ' ', tenant: 'default' })).toEqual(['seed random (was 790056773)']);
  });
});
