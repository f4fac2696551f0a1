import { describe, expect, it } from 'vitest';
import { edgePath, edgeRoutes, type Box } from './edgeRoutes';

const box = (x: number, y: number): Box => ({ x, y, width: 220, height: 110 });

describe('edgeRoutes', () => {
  it('puts edges between the same two nodes in different lanes, whichever way they point', () => {
    const boxes = new Map([
      ['a', box(0, 0)],
      ['b', box(400, 0)],
    ]);
    const routes = edgeRoutes(
      [
        { id: 'ab', source: 'a', target: 'b' },
        { id: 'ask-ab', source: 'a', target: 'b' },
        { id: 'c', source: 'a', target: 'x' },
      ],
      boxes,
    );
    expect(routes.get('ab')?.lane).not.toBe(routes.get('ask-ab')?.lane);
    expect(routes.get('c')).toEqual({ lane: 0, detourY: null });
  });
  it('bows opposite edges to opposite sides', () => {
    const boxes = new Map([
      ['a', box(0, 0)],
      ['b', box(0, 400)],
    ]);
    const routes = edgeRoutes(
      [
        { id: 'ab', source: 'a', target: 'b' },
        { id: 'ba', source: 'b', target: 'a' },
      ],
      boxes,
    );
    // a above b: a's right handle to b's left handle and back (both drawn as curves, not detours here).
    const ab = edgePath(220, 55, 0, 455, { ...routes.get('ab')!, detourY: null });
    const ba = edgePath(220, 455, 0, 55, { ...routes.get('ba')!, detourY: null });
    expect(Math.abs(ab.labelX - ba.labelX) + Math.abs(ab.labelY - ba.labelY)).toBeGreaterThan(20);
  });
  it('sends a backward edge through a channel below every node it spans, stacking overlapping channels', () => {
    const boxes = new Map([
      ['a', box(0, 0)],
      ['b', box(400, 0)],
      ['c', box(800, 200)],
    ]);
    const routes = edgeRoutes(
      [
        { id: 'ba', source: 'b', target: 'a' },
        { id: 'ca', source: 'c', target: 'a' },
      ],
      boxes,
    );
    const ba = routes.get('ba')?.detourY ?? 0;
    const ca = routes.get('ca')?.detourY ?? 0;
    expect(ba).toBeGreaterThan(110);
    expect(ca).toBeGreaterThan(310); // below c, which it spans
    expect(ca).not.toBe(ba);
  });
  it('puts the label on the curve: its middle, moved sideways by the lane', () => {
    const straight = edgePath(0, 0, 200, 0, { lane: 0, detourY: null });
    expect(straight.labelX).toBeCloseTo(100);
    expect(straight.labelY).toBeCloseTo(0);
    const bowed = edgePath(0, 0, 200, 0, { lane: 15, detourY: null });
    expect(bowed.labelY).toBeCloseTo(15);
    const back = edgePath(400, 50, 0, 50, { lane: 0, detourY: 160 });
    expect(back).toMatchObject({ labelX: 200, labelY: 160 });
  });
});
