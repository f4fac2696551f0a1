import { describe, expect, it } from 'vitest';
import { ScriptJoins } from './scriptJoins';
import { squadFrom } from './testSquad';

const squad = squadFrom(`
version: 1
name: joins
task: { entry: a, input: go }
models:
  sim: { provider: simulated, model: gpt-4.1-mini }
  real: { provider: openai, model: gpt-4.1, apiKeyEnv: KEY }
agents:
  a:
    role: planner
    model: sim
    handoffs: [b]
    script:
      - { repeat: 2, handoff: { to: b, content: x } }
      - { waitFor: [b], finish: done }
  b:
    role: worker
    model: real
    script:
      - { waitFor: [a], say: never read }
`);

describe('ScriptJoins', () => {
  it('follows the script as the simulated provider takes its steps, repeat included; real models never join', () => {
    const joins = new ScriptJoins(squad);
    expect(joins.next('a')).toEqual([]);
    joins.advance('a');
    expect(joins.next('a')).toEqual([]);
    joins.advance('a');
    expect(joins.next('a')).toEqual(['b']);
    joins.advance('a');
    joins.advance('a'); // past the end: stays there (the provider refuses the call)
    expect(joins.next('a')).toEqual([]);
    expect(joins.next('b')).toEqual([]);
    expect(joins.next('nobody')).toEqual([]);
  });
});
