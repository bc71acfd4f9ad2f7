import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterBoxes, clusterGroup, meanPairwiseIoU } from './clusters';
import { box2d, box3d, SOP } from './test-support';

describe('clusterBoxes', () => {
  it('groups the overlapping boxes of several readers into one cluster per finding', () => {
    const boxes = [
      box2d('r1', 'a', [10, 10, 20, 20]),
      box2d('r2', 'b', [11, 10, 20, 21]),
      box2d('r3', 'c', [12, 11, 19, 20]),
      box2d('r2', 'd', [100, 100, 10, 10]),
    ];
    const clusters = clusterBoxes(boxes);
    expect(clusters.map((c) => c.members.map((m) => m.annotationId))).toEqual([['a', 'b', 'c'], ['d']]);
    expect(clusters[0]!.readers).toEqual(['r1', 'r2', 'r3']);
    expect(clusters[0]!.id).toBe(`${SOP[0]}:0#r1:a`);
    expect(clusters[1]!.meanIoU).toBeNull();
  });

  it('puts at most one box per reader in a cluster, even when a reader drew two overlapping boxes', () => {
    const boxes = [box2d('r1', 'a', [0, 0, 10, 10]), box2d('r1', 'b', [1, 0, 10, 10]), box2d('r2', 'c', [0, 0, 10, 10])];
    const clusters = clusterBoxes(boxes);
    expect(clusters).toHaveLength(2);
    for (const c of clusters) expect(new Set(c.members.map((m) => m.readerId)).size).toBe(c.members.length);
    expect(clusters.find((c) => c.members.length === 2)!.members.map((m) => m.annotationId)).toEqual(['a', 'c']);
  });

  it('records the distinct labels of a cluster and its mean pairwise IoU', () => {
    const boxes = [box2d('r1', 'a', [0, 0, 10, 10], { label: 'nodule' }), box2d('r2', 'b', [0, 0, 10, 8], { label: 'mass' })];
    const [c] = clusterBoxes(boxes);
    expect(c!.labels).toEqual(['mass', 'nodule']);
    expect(c!.meanIoU).toBeCloseTo(0.8, 12);
    expect(meanPairwiseIoU(c!.members)).toBe(c!.meanIoU);
  });

  it('with requireSameLabel, keeps boxes of different labels apart', () => {
    const boxes = [box2d('r1', 'a', [0, 0, 10, 10], { label: 'nodule' }), box2d('r2', 'b', [0, 0, 10, 10], { label: 'mass' })];
    expect(clusterBoxes(boxes, { requireSameLabel: true })).toHaveLength(2);
  });

  it('clusters 3D boxes per series, apart from 2D boxes', () => {
    const boxes = [box3d('r1', 'a', [0, 0, 10, 10], [3, 8]), box3d('r2', 'b', [0, 0, 10, 10], [4, 8]), box2d('r3', 'c', [0, 0, 10, 10])];
    const clusters = clusterBoxes(boxes);
    expect(clusters.map((c) => [c.kind, c.members.length])).toEqual([
      ['box2d', 1],
      ['box3d', 2],
    ]);
  });

  it('is deterministic: any input order gives identical clusters, each box in exactly one cluster', () => {
    const boxArb = fc.record({
      reader: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
      x: fc.integer({ min: 0, max: 40 }),
      y: fc.integer({ min: 0, max: 40 }),
      w: fc.integer({ min: 5, max: 25 }),
      label: fc.constantFrom('a', 'b'),
    });
    fc.assert(
      fc.property(fc.array(boxArb, { maxLength: 24 }), fc.nat(), (specs, seed) => {
        const boxes = specs.map((s, i) => box2d(s.reader, `id${i}`, [s.x, s.y, s.w, s.w], { label: s.label }));
        const shuffled = [...boxes].sort((p, q) => ((p.annotationId.length * 31 + seed) % 7) - ((q.annotationId.length * 17 + seed) % 5));
        const clusters = clusterGroup('k', boxes);
        expect(clusterGroup('k', shuffled)).toEqual(clusters);
        expect(clusters.flatMap((c) => c.members).length).toBe(boxes.length);
        for (const c of clusters) expect(new Set(c.members.map((m) => m.readerId)).size).toBe(c.members.length);
      }),
    );
  });
});
