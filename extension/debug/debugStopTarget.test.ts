import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debugStopTarget } from './debugStopTarget';

const text = readFileSync(join(__dirname, '..', '..', 'samples', 'credit-memo', 'credit-memo.squad.yaml'), 'utf8');
const lines = text.split('\n');
const lineOf = (pattern: RegExp, from = 0): number => lines.findIndex((l, i) => i >= from && pattern.test(l)) + 1;

describe('debugStopTarget', () => {
  it('reads a stop before a turn as the agent, with no edge', () => {
    const checker = lineOf(/^ {2}checker:/);
    expect(debugStopTarget(text, { line: checker, name: 'checker: before turn 1' })).toEqual({ agent: 'checker', to: null, line: checker, label: 'checker: before turn 1' });
  });

  it('reads a hand-off line as the edge from its agent', () => {
    const planner = lineOf(/^ {2}planner:/);
    const handoff = lineOf(/- to: financials|to: financials/, planner);
    expect(handoff).toBeGreaterThan(planner);
    const target = debugStopTarget(text, { line: handoff, name: 'handoff from planner: Spread the financials' });
    expect(target).toMatchObject({ agent: 'planner', to: 'financials', line: handoff });
  });

  it('takes the edge from a stop before a message the file has no line for', () => {
    const collateral = lineOf(/^ {2}collateral:/);
    expect(debugStopTarget(text, { line: collateral, name: 'collateral: before question → planner' })).toMatchObject({ agent: 'collateral', to: 'planner' });
  });

  it('has nothing to show for a line outside every agent', () => {
    expect(debugStopTarget(text, { line: lineOf(/^task:/), name: 'task: Prepare the credit memo' })).toBeNull();
    expect(debugStopTarget('not: [yaml', { line: 1, name: 'x' })).toBeNull();
  });
});
