import { describe, expect, it } from 'vitest';
import { stepOfTake } from './debugController';
import { SquadLocations } from './squadLocations';

const text = `version: 1
name: t
task: { entry: a, input: go }
agents:
  a:
    model: m
    script:
      - say: hi
        handoff:
          - to: b
            content: one
          - to: c
            content: two
      - handoff: { to: b, content: three }
  b:
    model: m
`;

describe('SquadLocations', () => {
  const at = SquadLocations.of(text);

  it('finds agents and each hand-off with its script step', () => {
    expect(at.agents).toEqual([
      { agent: 'a', line: 5, endLine: 14 },
      { agent: 'b', line: 15, endLine: 16 },
    ]);
    expect(at.handoffs.map((h) => [h.agent, h.step, h.to, h.line])).toEqual([
      ['a', 0, 'b', 10],
      ['a', 0, 'c', 12],
      ['a', 1, 'b', 14],
    ]);
    expect(at.taskLine).toBe(3);
  });

  it('maps a breakpoint line to what it stops before', () => {
    expect(at.breakTarget(11)).toEqual({ kind: 'handoff', agent: 'a', step: 0, to: 'b', line: 10 });
    expect(at.breakTarget(9)).toEqual({ kind: 'handoff', agent: 'a', step: 0, to: null, line: 9 });
    expect(at.breakTarget(14)).toEqual({ kind: 'handoff', agent: 'a', step: 1, to: 'b', line: 14 });
    expect(at.breakTarget(6)).toEqual({ kind: 'turn', agent: 'a', line: 5 });
    expect(at.breakTarget(16)).toEqual({ kind: 'turn', agent: 'b', line: 15 });
    expect(at.breakTarget(1)).toBeNull();
  });

  it('survives a file that does not parse', () => {
    expect(SquadLocations.of('agents: [').agents).toEqual([]);
  });
});

describe('stepOfTake', () => {
  it('follows repeat counts, and stays on a step that repeats forever', () => {
    const script = [{ repeat: 1 }, { repeat: 2 }, { repeat: 'forever' as const }];
    expect([1, 2, 3, 4, 9].map((k) => stepOfTake(script, k))).toEqual([0, 1, 1, 2, 2]);
  });
});
