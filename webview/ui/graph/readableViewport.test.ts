import { describe, expect, it } from 'vitest';
import { readableViewport } from './readableViewport';

describe('readableViewport', () => {
  const boxes = [
    { x: 12, y: 12, width: 220, height: 110 },
    { x: 382, y: 200, width: 220, height: 110 },
  ];
  it('centres a graph that fits, at 100 %', () => {
    const v = readableViewport(boxes, 1000, 800)!;
    expect(v.zoom).toBe(1);
    // 590 wide in 968 of room: (968 - 590) / 2 from the pad.
    expect(v.x + 12).toBeCloseTo(16 + (968 - 590) / 2);
  });
  it('starts a graph wider or taller than the pane at its top-left corner, never shrinking it', () => {
    const v = readableViewport(boxes, 400, 200)!;
    expect(v).toEqual({ x: 16 - 12, y: 56 - 12, zoom: 1 });
    expect(readableViewport([], 400, 200)).toBeNull();
  });
});
