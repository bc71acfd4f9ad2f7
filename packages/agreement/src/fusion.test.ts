import { describe, expect, it } from 'vitest';
import fixture from './fixtures/weighted-box-fusion.json';
import { centralRegion, majorityLabel, majorityVote, median, weightedBoxFusion } from './fusion';
import { box2d, box3d } from './test-support';
import type { AgreementBox } from './types';

function members(kind: string, boxes: number[][]): AgreementBox[] {
  return boxes.map((b, i) => {
    const [x = 0, y = 0, w = 0, h = 0] = b;
    return kind === 'box2d'
      ? box2d(`r${i}`, `a${i}`, [x, y, w, h], { score: b[4]! })
      : box3d(`r${i}`, `a${i}`, [x, y, w, h], [b[4]!, b[5]!], { score: b[6]! });
  });
}

describe('weightedBoxFusion', () => {
  it.each(fixture.cases)('matches the WBF formula evaluated with numpy: $name', ({ kind, boxes, readerCount, expected }) => {
    const fused = weightedBoxFusion(members(kind, boxes), readerCount);
    const region = fused.region as unknown as Record<string, number>;
    for (const key of ['x', 'y', 'width', 'height'] as const) {
      expect(Math.abs(region[key]! - expected[key])).toBeLessThan(1e-9);
    }
    expect(Math.abs(fused.score - expected.score)).toBeLessThan(1e-9);
    if (kind === 'box3d') {
      expect(region.firstSliceIndex).toBe((expected as Record<string, number>).firstSliceIndex);
      expect(region.lastSliceIndex).toBe((expected as Record<string, number>).lastSliceIndex);
    }
  });

  it('does not depend on the order of the members', () => {
    const m = members('box2d', [[10.1, 3, 7, 9, 2], [11.3, 2.9, 6.5, 9.9, 5], [9.7, 3.3, 7.7, 8.1, 3]]);
    expect(weightedBoxFusion([...m].reverse(), 3)).toEqual(weightedBoxFusion(m, 3));
  });

  it('takes the confidence-weighted majority label, ties going to the label that sorts first', () => {
    const a = box2d('r1', 'a', [0, 0, 10, 10], { label: 'mass', score: 5 });
    const b = box2d('r2', 'b', [0, 0, 10, 10], { label: 'nodule', score: 2 });
    const c = box2d('r3', 'c', [0, 0, 10, 10], { label: 'nodule', score: 2 });
    expect(weightedBoxFusion([a, b, c], 3).label).toBe('mass');
    expect(majorityLabel([a, b, c], false)).toBe('nodule');
    expect(majorityLabel([b, { ...a, score: 2 }], true)).toBe('mass');
  });
});

describe('majorityVote', () => {
  const three = [
    box2d('r1', 'a', [10, 10, 20, 20], { label: 'nodule' }),
    box2d('r2', 'b', [12, 11, 22, 18], { label: 'nodule' }),
    box2d('r3', 'c', [30, 12, 20, 19], { label: 'mass' }),
  ];

  it('keeps a cluster drawn by at least the quorum of readers and drops it below', () => {
    expect(majorityVote(three, 5, { quorum: 3 })).not.toBeNull();
    expect(majorityVote(three, 5, { quorum: 4 })).toBeNull();
    expect(majorityVote(three, 5, { quorum: 3 })!.score).toBeCloseTo(3 / 5, 12);
  });

  it('uses the coordinate-wise median of the corners by default, so one outlier does not move the box', () => {
    const vote = majorityVote(three, 3, { quorum: 2 })!;
    // x1 = median(10, 12, 30) = 12, x2 = median(30, 34, 50) = 34
    expect(vote.region).toMatchObject({ x: 12, y: 11, width: 22, height: 19 });
    expect(vote.label).toBe('nodule');
    const mean = majorityVote(three, 3, { quorum: 2, coordinates: 'mean' })!;
    expect(mean.region.x).toBeCloseTo(52 / 3, 12);
  });

  it('rounds the median slice bounds of 3D boxes to whole slices', () => {
    const r = centralRegion([box3d('r1', 'a', [0, 0, 4, 4], [2, 5]), box3d('r2', 'b', [0, 0, 4, 4], [3, 8])], 'median');
    // first: median(2, 3) = 2.5 -> 3; end: median(6, 9) = 7.5 -> 8, last = 7
    expect(r).toMatchObject({ kind: 'box3d', firstSliceIndex: 3, lastSliceIndex: 7 });
  });

  it('computes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
