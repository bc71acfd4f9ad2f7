import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from './fixtures/iou.json';
import { groupKey, imageGroupKey, iou, seriesGroupKey } from './iou';
import type { Region, Region2d, Region3d } from './types';

const r2 = (x: number, y: number, width: number, height: number, sop = '1.2.3.1', frameIndex = 0): Region2d => ({
  kind: 'box2d',
  sopInstanceUid: sop,
  frameIndex,
  x,
  y,
  width,
  height,
});
const r3 = (x: number, y: number, width: number, height: number, first: number, last: number, series = '1.2.3'): Region3d => ({
  kind: 'box3d',
  seriesInstanceUid: series,
  x,
  y,
  width,
  height,
  firstSliceIndex: first,
  lastSliceIndex: last,
});

function fromFixture(kind: string, v: number[]): Region {
  const [x = 0, y = 0, w = 0, h = 0, first = 0, last = 0] = v;
  return kind === 'box2d' ? r2(x, y, w, h) : r3(x, y, w, h, first, last);
}

describe('iou', () => {
  it.each(fixture.cases)('matches the reference value: $name', ({ kind, a, b, expected }) => {
    expect(iou(fromFixture(kind, a), fromFixture(kind, b))).toBeCloseTo(expected, 9);
    expect(Math.abs(iou(fromFixture(kind, a), fromFixture(kind, b)) - expected)).toBeLessThan(1e-9);
  });

  it('counts a 3D slice range inclusively, so a one-slice box has depth 1', () => {
    expect(iou(r3(0, 0, 10, 10, 4, 4), r3(0, 0, 10, 10, 4, 5))).toBe(0.5);
    expect(iou(r3(0, 0, 10, 10, 4, 4), r3(0, 0, 10, 10, 5, 5))).toBe(0);
  });

  it('is 0 between different images, frames, series or kinds, even for the same rectangle', () => {
    expect(iou(r2(0, 0, 10, 10, '1.1'), r2(0, 0, 10, 10, '1.2'))).toBe(0);
    expect(iou(r2(0, 0, 10, 10, '1.1', 0), r2(0, 0, 10, 10, '1.1', 1))).toBe(0);
    expect(iou(r3(0, 0, 10, 10, 0, 3, '1.1'), r3(0, 0, 10, 10, 0, 3, '1.2'))).toBe(0);
    expect(iou(r2(0, 0, 10, 10), r3(0, 0, 10, 10, 0, 0))).toBe(0);
    expect(iou(r3(0, 0, 10, 10, 0, 0), r2(0, 0, 10, 10))).toBe(0);
  });

  it('gives exactly 1 for identical boxes with fractional coordinates', () => {
    expect(iou(r2(0.1, 0.7, 0.2, 1e6 + 0.3), r2(0.1, 0.7, 0.2, 1e6 + 0.3))).toBe(1);
    expect(iou(r3(1e9 + 0.1, 3.3, 7.7, 0.1, 2, 9), r3(1e9 + 0.1, 3.3, 7.7, 0.1, 2, 9))).toBe(1);
  });

  const coord = fc.double({ min: -1e4, max: 1e4, noNaN: true });
  const size = fc.double({ min: 1e-3, max: 1e4, noNaN: true });
  const region = fc.oneof(
    fc.tuple(coord, coord, size, size, fc.constantFrom('1.1', '1.2'), fc.nat(1)).map(([x, y, w, h, sop, f]) => r2(x, y, w, h, sop, f) as Region),
    fc.tuple(coord, coord, size, size, fc.nat(20), fc.nat(5)).map(([x, y, w, h, a, d]) => r3(x, y, w, h, a, a + d) as Region),
  );

  it('is symmetric and within [0, 1] for any pair of boxes', () => {
    fc.assert(
      fc.property(region, region, (a, b) => {
        const v = iou(a, b);
        expect(v).toBe(iou(b, a));
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('is 1 for a box with itself and 0 for a box moved beyond its own width', () => {
    fc.assert(
      fc.property(region, (a) => {
        expect(iou(a, a)).toBe(1);
        expect(iou(a, { ...a, x: a.x + a.width * 2 })).toBe(0);
      }),
    );
  });
});

describe('groupKey', () => {
  it('keys 2D boxes by image and frame and 3D boxes by series, without clashes', () => {
    expect(groupKey(r2(0, 0, 1, 1, '1.2.840.1', 3))).toBe('1.2.840.1:3');
    expect(imageGroupKey('1.2.840.1', 3)).toBe('1.2.840.1:3');
    expect(groupKey(r3(0, 0, 1, 1, 0, 0, '1.2.840.1'))).toBe(seriesGroupKey('1.2.840.1'));
    expect(seriesGroupKey('1.2')).not.toBe(imageGroupKey('1.2', 0));
  });
});
