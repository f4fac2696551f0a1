import { describe, expect, it } from 'vitest';
import { checkExpectations } from './checkExpectations';
import type { RunFacts } from './runFacts';

const run: RunFacts = {
  status: 'halted',
  costUsd: 0.0612,
  turns: 41,
  virtualMs: 61_000,
  trips: [
    { kind: 'loop', count: 2, action: 'halt', message: 'same input 3 times' },
    { kind: 'cascade', count: 1, action: 'halt', message: 'dependents halted' },
  ],
  result: 'Recommendation: DECLINE',
  reason: 'loop',
};

describe('checkExpectations', () => {
  it('passes a run that meets every expectation', () => {
    expect(
      checkExpectations(
        { status: 'halted', maxCostUsd: 0.07, maxTurns: 41, maxVirtualMs: 61_000, trips: ['loop'], noTrips: ['deadlock'], resultContains: 'DECLINE', resultMatches: '/decline$/i' },
        run,
      ),
    ).toEqual([]);
  });

  it('names every unmet expectation with the figure and the limit', () => {
    const failures = checkExpectations(
      { status: 'completed', maxCostUsd: 0.05, maxTurns: 40, maxVirtualMs: 60_000, trips: ['deadlock', 'loop'], noTrips: true, resultContains: ['APPROVE', 'DECLINE'], resultMatches: '^APPROVE' },
      run,
    );
    expect(failures.map((f) => [f.expectation, f.actual, f.expected])).toEqual([
      ['status', 'halted', 'completed'],
      ['maxCostUsd', '$0.0612', '$0.05'],
      ['maxTurns', '41', '40'],
      ['maxVirtualMs', '61000 ms', '60000 ms'],
      ['noTrips', 'loop, cascade', 'no trip'],
      ['trips', 'loop, cascade', 'deadlock, loop'],
      ['resultContains', '"Recommendation: DECLINE"', '"APPROVE"'],
      ['resultMatches', '"Recommendation: DECLINE"', '^APPROVE'],
    ]);
    expect(failures[0]!.message).toBe('status: the run halted (loop), expected completed');
    expect(failures[1]!.message).toBe('maxCostUsd: the run cost $0.0612, over the limit of $0.05');
    expect(failures[4]!.message).toBe('noTrips: loop ×2 [halt]: same input 3 times; cascade [halt]: dependents halted');
    expect(failures[5]!.message).toBe('trips: deadlock did not trip (tripped: loop, cascade)');
  });

  it('checks only the kinds a noTrips list names, and a run without a result against result expectations', () => {
    expect(checkExpectations({ noTrips: ['deadlock', 'chatter'] }, run)).toEqual([]);
    const none = checkExpectations({ resultContains: 'x', resultMatches: '.' }, { ...run, result: null });
    expect(none.map((f) => f.message)).toEqual(['resultContains: the result is empty (no result); result: (none)', 'resultMatches: the result does not match .; result: (none)']);
  });
});
