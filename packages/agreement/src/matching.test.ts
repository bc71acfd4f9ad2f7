import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iou } from './iou';
import { matchBoxes } from './matching';
import { box2d, box3d, SOP } from './test-support';
import type { AgreementBox } from './types';

const ids = (pairs: { a: AgreementBox; b: AgreementBox }[]) => pairs.map((p) => [p.a.annotationId, p.b.annotationId]);

describe('matchBoxes', () => {
  it('pairs each box with its best overlapping counterpart on the same image', () => {
    const a = [box2d('A', 'a1', [0, 0, 10, 10]), box2d('A', 'a2', [50, 50, 10, 10])];
    const b = [box2d('B', 'b2', [51, 50, 10, 10]), box2d('B', 'b1', [1, 1, 10, 10])];
    const result = matchBoxes(a, b);
    expect(ids(result.pairs)).toEqual([
      ['a1', 'b1'],
      ['a2', 'b2'],
    ]);
    expect(result.unmatchedA).toEqual([]);
    expect(result.unmatchedB).toEqual([]);
  });

  it('maximises the total IoU rather than taking the greedy best pair first', () => {
    // Greedy would pair a1 with b1 (IoU 0.82), leaving a2 with only b2 (IoU 0.43): one pair instead of two.
    const a1 = box2d('A', 'a1', [0, 0, 10, 10]);
    const a2 = box2d('A', 'a2', [-1, 0, 10, 10]);
    const b1 = box2d('B', 'b1', [1, 0, 10, 10]);
    const b2 = box2d('B', 'b2', [3, 0, 10, 10]);
    expect(iou(a1.region, b1.region)).toBeGreaterThan(iou(a1.region, b2.region));
    expect(iou(a2.region, b2.region)).toBeLessThan(0.5);
    expect(iou(a1.region, b2.region)).toBeGreaterThanOrEqual(0.5);
    const result = matchBoxes([a1, a2], [b1, b2]);
    expect(ids(result.pairs)).toEqual([
      ['a1', 'b2'],
      ['a2', 'b1'],
    ]);
  });

  it('drops pairs below the threshold and lets a higher threshold leave boxes unmatched', () => {
    const a = [box2d('A', 'a', [0, 0, 10, 10])];
    const b = [box2d('B', 'b', [4, 0, 10, 10])]; // IoU 6/14 = 0.43
    expect(matchBoxes(a, b).pairs).toHaveLength(0);
    expect(matchBoxes(a, b, { threshold: 0.4 }).pairs).toHaveLength(1);
    expect(matchBoxes(a, b).unmatchedA.map((x) => x.annotationId)).toEqual(['a']);
    expect(matchBoxes(a, b).unmatchedB.map((x) => x.annotationId)).toEqual(['b']);
  });

  it('never matches across images, frames or between 2D and 3D boxes', () => {
    const a = [box2d('A', 'a1', [0, 0, 10, 10], { sop: SOP[0] }), box2d('A', 'a2', [0, 0, 10, 10], { frame: 1 }), box3d('A', 'a3', [0, 0, 10, 10], [0, 0])];
    const b = [box2d('B', 'b1', [0, 0, 10, 10], { sop: SOP[1] })];
    expect(matchBoxes(a, b).pairs).toEqual([]);
  });

  it('matches 3D boxes in the same series by volume IoU', () => {
    const result = matchBoxes([box3d('A', 'a', [0, 0, 10, 10], [2, 6])], [box3d('B', 'b', [0, 0, 10, 10], [3, 7])]);
    expect(result.pairs[0]?.iou).toBeCloseTo(4 / 6, 12);
  });

  it('with requireSameLabel, pairs only boxes of the same label', () => {
    const a = [box2d('A', 'a', [0, 0, 10, 10], { label: 'mass' })];
    const b = [box2d('B', 'b', [0, 0, 10, 10], { label: 'nodule' })];
    expect(matchBoxes(a, b).pairs).toHaveLength(1);
    expect(matchBoxes(a, b, { requireSameLabel: true }).pairs).toHaveLength(0);
  });

  it('gives the same pairs whatever the input order', () => {
    const boxArb = (reader: string) =>
      fc.array(
        fc.record({ x: fc.integer({ min: 0, max: 60 }), y: fc.integer({ min: 0, max: 60 }), w: fc.integer({ min: 5, max: 30 }), sop: fc.constantFrom(...SOP) }),
        { maxLength: 8 },
      ).map((list) => list.map((r, i) => box2d(reader, `${reader}${i}`, [r.x, r.y, r.w, r.w], { sop: r.sop })));
    fc.assert(
      fc.property(boxArb('A'), boxArb('B'), (a, b) => {
        const forward = matchBoxes(a, b);
        const backward = matchBoxes([...a].reverse(), [...b].reverse());
        expect(ids(backward.pairs)).toEqual(ids(forward.pairs));
        expect(forward.pairs.length + forward.unmatchedA.length).toBe(a.length);
        expect(forward.pairs.length + forward.unmatchedB.length).toBe(b.length);
        for (const p of forward.pairs) expect(p.iou).toBeGreaterThanOrEqual(0.5);
      }),
    );
  });
});
