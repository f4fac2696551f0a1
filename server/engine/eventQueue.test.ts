import { describe, expect, it } from 'vitest';
import { EventQueue } from './eventQueue';
import { seededRandom } from './randomSource';

describe('EventQueue', () => {
  it('pops by time, and by insertion order at equal times', () => {
    const q = new EventQueue<string>();
    q.push(5, 'late');
    q.push(1, 'first-at-1');
    q.push(1, 'second-at-1');
    q.push(0, 'now');
    q.push(1, 'third-at-1');
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.item);
    expect(out).toEqual(['now', 'first-at-1', 'second-at-1', 'third-at-1', 'late']);
    expect(q.size).toBe(0);
  });

  it('sorts a large random load stably', () => {
    const q = new EventQueue<number>();
    const r = seededRandom(1);
    const items = Array.from({ length: 5000 }, (_, i) => ({ t: Math.floor(r.next() * 50), i }));
    for (const it of items) q.push(it.t, it.i);
    const expected = [...items].sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
    const got: number[] = [];
    for (let e = q.pop(); e; e = q.pop()) got.push(e.item);
    expect(got).toEqual(expected);
  });
});
