import { describe, expect, it } from 'vitest';
import { runTestSquad } from '../engine/testSquad';
import { ProgressLine } from './progressLine';

describe('ProgressLine', () => {
  it('shows virtual time, turns, messages, spend and the latest step, and repaints at most once per interval', async () => {
    const run = await runTestSquad(`
version: 1
name: p
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4o } }
agents:
  a: { role: planner, model: m, handoffs: [b], script: [ { handoff: { to: b, content: work } }, { finish: ok } ] }
  b: { role: worker, model: m, script: [ { finish: done } ] }
`);
    const writes: string[] = [];
    let wall = 0;
    const line = new ProgressLine({ write: (s) => writes.push(s), columns: 200 }, 100, () => wall);
    for (const e of run.events) {
      wall += 30;
      line.onEvent(e);
    }
    const paints = writes.length;
    expect(paints).toBeGreaterThan(0);
    expect(paints).toBeLessThan(run.events.length / 2);
    line.paint();
    const last = writes.at(-1)!;
    // eslint-disable-next-line no-control-regex -- the line starts with the terminal's erase-line escape (ESC [2K)
    expect(last).toMatch(/^\r\u001b\[2K▶ \d+(\.\d)? s virtual · 3 turns · 3 messages · \$0\.\d+ · a thinking$/);
    line.clear();
    expect(writes.at(-1)).toBe('\r\u001b[2K');
  });
});
