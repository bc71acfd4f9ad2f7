import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjudicate } from './adjudicate';
import { LiveAdjudication } from './live-adjudication';
import { box2d, box3d, SOP } from './test-support';
import type { AgreementBox, SourceRef } from './types';

const img = (sop: string) => `${sop}:0`;

function consensusBox(id: string, sources: SourceRef[], rect: [number, number, number, number] = [0, 0, 10, 10]): AgreementBox {
  return box2d('consensus', id, rect, { sources });
}

describe('LiveAdjudication', () => {
  it('lists a box only one reader drew as an unmatched disagreement, with the readers who missed it', () => {
    const live = new LiveAdjudication();
    live.setReader('r1', [box2d('r1', 'a', [0, 0, 10, 10]), box2d('r1', 'lonely', [80, 80, 10, 10])]);
    live.setReader('r2', [box2d('r2', 'b', [1, 0, 10, 10])]);
    const [d, ...rest] = live.disagreements();
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ kinds: ['unmatched'], missingReaders: ['r2'], severity: 0.5, resolved: false });
    expect(d!.proposal.sources).toEqual([{ readerId: 'r1', annotationId: 'lonely' }]);
    expect(live.proposals()).toHaveLength(2);
  });

  it('flags label conflicts and poor overlap, worst first', () => {
    const live = new LiveAdjudication({ readers: ['r1', 'r2'] });
    live.upsert(box2d('r1', 'a', [0, 0, 10, 10], { label: 'mass', sop: SOP[0] }));
    live.upsert(box2d('r2', 'b', [0, 0, 10, 10], { label: 'nodule', sop: SOP[0] }));
    live.upsert(box2d('r1', 'c', [0, 0, 10, 10], { sop: SOP[1] }));
    live.upsert(box2d('r2', 'd', [2, 0, 10, 10], { sop: SOP[1] })); // IoU 8/12
    const ds = live.disagreements();
    expect(ds.map((d) => [d.groupKey, d.kinds])).toEqual([
      [img(SOP[0]), ['label_conflict']],
      [img(SOP[1]), ['low_iou']],
    ]);
    expect(ds[0]!.severity).toBeCloseTo(0.5, 12);
    expect(ds[1]!.severity).toBeCloseTo(1 - 8 / 12, 12);
  });

  it('offers a fused and a majority box for a cluster, with its sources', () => {
    const live = new LiveAdjudication();
    live.upsert(box2d('r1', 'a', [0, 0, 10, 10], { score: 3 }));
    live.upsert(box2d('r2', 'b', [2, 0, 10, 10], { score: 1 }));
    const [p] = live.proposals();
    expect(p!.fused.region).toMatchObject({ x: 0.5, width: 10 });
    expect(p!.fused.score).toBe(2);
    expect(p!.majority).toMatchObject({ region: { x: 1, width: 10 }, score: 1 });
    expect(p!.meanIoU).toBeCloseTo(8 / 12, 12);
    expect(p!.sources).toEqual([
      { readerId: 'r1', annotationId: 'a' },
      { readerId: 'r2', annotationId: 'b' },
    ]);
  });

  it('drops a disagreement once the consensus lists its boxes as sources or they are rejected, and flags it when asked', () => {
    const live = new LiveAdjudication({ readers: ['r1', 'r2'] });
    live.setReader('r1', [box2d('r1', 'a', [0, 0, 10, 10]), box2d('r1', 'x', [50, 50, 10, 10])]);
    expect(live.disagreements()).toHaveLength(2);
    live.setConsensus([consensusBox('c1', [{ readerId: 'r1', annotationId: 'a' }])]);
    expect(live.disagreements().map((d) => d.proposal.sources[0]!.annotationId)).toEqual(['x']);
    live.setRejections([{ readerId: 'r1', annotationId: 'x' }]);
    expect(live.disagreements()).toEqual([]);
    const all = live.disagreements({ includeResolved: true });
    expect(all.map((d) => d.resolved)).toEqual([true, true]);
    expect(live.proposals().every((p) => p.resolved)).toBe(true);
    live.setConsensus([]);
    expect(live.disagreements()).toHaveLength(1);
  });

  it('treats a cluster as resolved only when every member is linked or rejected', () => {
    const live = new LiveAdjudication({ readers: ['r1', 'r2', 'r3'] });
    live.upsert(box2d('r1', 'a', [0, 0, 10, 10]));
    live.upsert(box2d('r2', 'b', [0, 0, 10, 10]));
    live.setConsensus([consensusBox('c', [{ readerId: 'r1', annotationId: 'a' }])]);
    const [p] = live.proposals();
    expect(p).toMatchObject({ resolvedSources: 1, resolved: false });
    expect(live.disagreements()).toHaveLength(1);
  });

  it('recomputes only the image an edit touched', () => {
    const live = new LiveAdjudication({ readers: ['r1', 'r2'] });
    for (const sop of SOP) {
      live.upsert(box2d('r1', `a-${sop}`, [0, 0, 10, 10], { sop }));
      live.upsert(box2d('r2', `b-${sop}`, [0, 0, 10, 10], { sop }));
    }
    live.upsert(box3d('r1', 'v', [0, 0, 10, 10], [2, 5]));
    live.proposals();
    expect(live.recomputedGroups).toBe(4);
    live.upsert(box2d('r2', `b-${SOP[1]}`, [1, 0, 10, 10], { sop: SOP[1] }));
    live.disagreements();
    live.proposals();
    expect(live.recomputedGroups).toBe(5);
    live.upsert(box2d('r2', `b-${SOP[1]}`, [1, 0, 10, 10], { sop: SOP[1] })); // no change
    live.remove('r2', 'unknown');
    live.proposals();
    expect(live.recomputedGroups).toBe(5);
    live.setConsensus([consensusBox('c', [{ readerId: 'r1', annotationId: 'v' }])]);
    live.proposals();
    expect(live.recomputedGroups).toBe(6);
  });

  it('refuses a box of another reader in setReader and changes nothing', () => {
    const live = new LiveAdjudication();
    expect(() => live.setReader('r1', [box2d('r2', 'a', [0, 0, 1, 1])])).toThrow(RangeError);
    expect(live.readers()).toEqual([]);
    expect(live.boxes()).toEqual([]);
  });

  it('always answers exactly what a full recompute of the same state answers', () => {
    const rect = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 4, max: 20 }));
    const boxArb = fc.record({
      reader: fc.constantFrom('r1', 'r2', 'r3'),
      id: fc.constantFrom('a', 'b', 'c', 'd'),
      rect,
      sop: fc.constantFrom(SOP[0], SOP[1], 'series'),
      label: fc.constantFrom('nodule', 'mass'),
      score: fc.integer({ min: 1, max: 5 }),
    });
    type Spec = { reader: string; id: string; rect: [number, number, number]; sop: string; label: string; score: number };
    const toBox = (s: Spec) =>
      s.sop === 'series'
        ? box3d(s.reader, s.id, [s.rect[0], s.rect[1], s.rect[2], s.rect[2]], [s.rect[0] % 4, (s.rect[0] % 4) + (s.rect[1] % 3)], { label: s.label, score: s.score })
        : box2d(s.reader, s.id, [s.rect[0], s.rect[1], s.rect[2], s.rect[2]], { sop: s.sop, label: s.label, score: s.score });
    const ref = fc.record({ readerId: fc.constantFrom('r1', 'r2', 'r3'), annotationId: fc.constantFrom('a', 'b', 'c', 'd') });
    const op = fc.oneof(
      { weight: 5, arbitrary: boxArb.map((b) => ({ t: 'upsert' as const, b })) },
      { weight: 2, arbitrary: ref.map((r) => ({ t: 'remove' as const, r })) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('r1', 'r2', 'r3'), fc.array(boxArb, { maxLength: 4 })).map(([reader, bs]) => ({ t: 'setReader' as const, reader, bs })) },
      { weight: 1, arbitrary: fc.array(fc.array(ref, { maxLength: 3 }), { maxLength: 3 }).map((c) => ({ t: 'consensus' as const, c })) },
      { weight: 1, arbitrary: fc.array(ref, { maxLength: 3 }).map((r) => ({ t: 'reject' as const, r })) },
      { weight: 2, arbitrary: fc.constant({ t: 'query' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.boolean(), (ops, fixedReaders) => {
        const live = new LiveAdjudication(fixedReaders ? { readers: ['r1', 'r2', 'r3'] } : {});
        let consensus: AgreementBox[] = [];
        let rejections: SourceRef[] = [];
        const check = () => {
          const full = adjudicate({ boxes: live.boxes(), readers: live.readers(), consensus, rejections }, {}, { includeResolved: true });
          expect(live.proposals()).toEqual(full.proposals);
          expect(live.disagreements({ includeResolved: true })).toEqual(full.disagreements);
          expect(live.disagreements()).toEqual(full.disagreements.filter((d) => !d.resolved));
        };
        for (const o of ops) {
          if (o.t === 'upsert') live.upsert(toBox(o.b));
          else if (o.t === 'remove') live.remove(o.r.readerId, o.r.annotationId);
          else if (o.t === 'setReader') live.setReader(o.reader, o.bs.map((b) => toBox({ ...b, reader: o.reader })));
          else if (o.t === 'consensus') {
            consensus = o.c.map((sources, i) => consensusBox(`c${i}`, sources));
            live.setConsensus(consensus);
          } else if (o.t === 'reject') {
            rejections = o.r;
            live.setRejections(rejections);
          } else check();
        }
        check();
      }),
      { numRuns: 300 },
    );
  });
});
