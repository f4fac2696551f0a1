import { describe, expect, it } from 'vitest';
import { nearestOnPolyline, orthogonalPath, snapEnds } from './orthogonalPath';

describe('orthogonalPath', () => {
  it('moves the ends onto the handles and keeps the first and last segments horizontal', () => {
    const route = [
      { x: 100, y: 50 },
      { x: 120, y: 50 },
      { x: 120, y: 200 },
      { x: 0, y: 200 },
      { x: 0, y: 60 },
      { x: 20, y: 60 },
    ];
    const snapped = snapEnds(route, { x: 100, y: 56 }, { x: 20, y: 64 });
    expect(snapped[0]).toEqual({ x: 100, y: 56 });
    expect(snapped[1]).toEqual({ x: 120, y: 56 });
    expect(snapped[4]).toEqual({ x: 0, y: 64 });
    expect(snapped[5]).toEqual({ x: 20, y: 64 });
    for (let i = 1; i < snapped.length; i++) expect(snapped[i]!.x === snapped[i - 1]!.x || snapped[i]!.y === snapped[i - 1]!.y).toBe(true);
  });
  it('turns a straight route between handles at different heights into a Z', () => {
    expect(
      snapEnds(
        [
          { x: 0, y: 0 },
          { x: 100, y: 0 },
        ],
        { x: 0, y: 0 },
        { x: 100, y: 10 },
      ),
    ).toEqual([
      { x: 0, y: 0 },
      { x: 50, y: 0 },
      { x: 50, y: 10 },
      { x: 100, y: 10 },
    ]);
  });
  it("puts the label on the path: ELK's centre, or the middle when ELK placed none", () => {
    expect(
      nearestOnPolyline(
        [
          { x: 0, y: 0 },
          { x: 100, y: 0 },
        ],
        { x: 40, y: 3 },
      ),
    ).toEqual({ x: 40, y: 0 });
    const drawn = orthogonalPath(
      {
        points: [
          { x: 0, y: 0 },
          { x: 200, y: 0 },
        ],
        label: null,
      },
      { x: 0, y: 0 },
      { x: 200, y: 0 },
    );
    expect(drawn).toEqual({ path: 'M 0 0 L 200 0', labelX: 100, labelY: 0 });
  });
  it('rounds each corner', () => {
    const drawn = orthogonalPath(
      {
        points: [
          { x: 0, y: 0 },
          { x: 50, y: 0 },
          { x: 50, y: 50 },
          { x: 100, y: 50 },
        ],
        label: { x: 50, y: 25 },
      },
      { x: 0, y: 0 },
      { x: 100, y: 50 },
    );
    expect(drawn.path).toBe('M 0 0 L 42 0 Q 50 0 50 8 L 50 42 Q 50 50 58 50 L 100 50');
    expect([drawn.labelX, drawn.labelY]).toEqual([50, 25]);
  });
});
