import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../engine/runControl';
import { PauseControl } from './pauseControl';

const turn = (agent: string): Checkpoint => ({ kind: 'turn', agent, turn: 1 });

describe('PauseControl', () => {
  it('passes checkpoints while running, holds once paused, and lets go on resume', async () => {
    const c = new PauseControl(new AbortController().signal);
    expect(c.checkpoint(turn('a'))).toBeUndefined();
    c.hold();
    let passed = false;
    const held = Promise.resolve(c.checkpoint(turn('b'))).then(() => (passed = true));
    await c.whenHeld();
    expect(c.heldAt).toEqual({ kind: 'turn', agent: 'b', turn: 1, detail: null });
    await new Promise((r) => setImmediate(r));
    expect(passed).toBe(false);
    c.resume();
    await held;
    expect(passed).toBe(true);
    expect(c.heldAt).toBeNull();
  });

  it('steps exactly one checkpoint at a time', async () => {
    const c = new PauseControl(new AbortController().signal, { paused: true });
    const seen: string[] = [];
    const engine = (async () => {
      for (const agent of ['a', 'b', 'c']) {
        await c.checkpoint(turn(agent));
        seen.push(agent);
      }
    })();
    await c.whenHeld();
    expect(seen).toEqual([]);
    c.step();
    await new Promise((r) => setImmediate(r));
    await c.whenHeld();
    expect(seen).toEqual(['a']);
    expect(c.heldAt?.agent).toBe('b');
    c.resume();
    await engine;
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('rejects a held checkpoint with the abort reason', async () => {
    const abort = new AbortController();
    const c = new PauseControl(abort.signal, { paused: true });
    const held = c.checkpoint(turn('a'));
    abort.abort(new Error('cancelled by the user'));
    await expect(held).rejects.toThrow('cancelled by the user');
  });
});

describe("PauseControl as the engine's guardrail pause", () => {
  it('holds where the guardrail tripped until resumed', async () => {
    const c = new PauseControl(new AbortController().signal);
    let passed = false;
    const held = c.pause({ kind: 'chatter', action: 'pause', agent: 'a', message: 'too chatty', evidence: {} }).then(() => (passed = true));
    await c.whenHeld();
    expect(c.heldAt).toEqual({ kind: 'guardrail', agent: 'a', turn: 0, detail: 'chatter: too chatty' });
    expect(passed).toBe(false);
    c.resume();
    await held;
    expect(passed).toBe(true);
  });
});
