import { beforeAll, describe, expect, it } from 'vitest';
import { imageGroupKey, iou, studyAgreement, type AgreementBox, type Region2d } from '@readingroom/agreement';
import { generateCtSeries } from '@readingroom/demo-data';
import { DEMO_READERS, demoConsensus, demoReads, type DemoCtTruth, type DemoMark, type DemoReader } from './demo-reads';

let truth: DemoCtTruth;
let reads: Record<DemoReader, DemoMark[]>;
const userIds = { reader1: 'u1', reader2: 'u2', reader3: 'u3' } as const;

const regionOf = (m: DemoMark): Region2d => ({ kind: 'box2d', sopInstanceUid: m.box.sopInstanceUid, frameIndex: 0, ...m.box.geometry });
const truthRegion = (noduleId: string): Region2d => {
  const lesion = truth.lesions.find((l) => l.id === noduleId)!;
  const slice = lesion.slices.find((s) => s.sliceIndex === lesion.middleSliceIndex)!;
  return { kind: 'box2d', sopInstanceUid: slice.sopInstanceUid, frameIndex: 0, ...slice.box };
};

beforeAll(() => {
  const ct = generateCtSeries();
  truth = { studyInstanceUid: ct.studyInstanceUid, seriesInstanceUid: ct.seriesInstanceUid, lesions: ct.lesions };
  reads = demoReads(truth);
}, 60_000);

describe('the demo reads of the CT', () => {
  it('marks each found nodule on its key slice around the true box, and the false positive away from every nodule', () => {
    for (const reader of DEMO_READERS) {
      for (const mark of reads[reader]) {
        if (mark.key.startsWith('false-positive')) {
          for (const lesion of truth.lesions) expect(iou(regionOf(mark), truthRegion(lesion.id))).toBe(0);
          continue;
        }
        const box = truthRegion(mark.key);
        const drawn = regionOf(mark);
        expect(drawn.sopInstanceUid, `${reader} ${mark.key}`).toBe(box.sopInstanceUid);
        // Drawn with a margin: the true box lies inside.
        expect(drawn.x).toBeLessThanOrEqual(box.x);
        expect(drawn.y).toBeLessThanOrEqual(box.y);
        expect(drawn.x + drawn.width).toBeGreaterThanOrEqual(box.x + box.width);
        expect(drawn.y + drawn.height).toBeGreaterThanOrEqual(box.y + box.height);
      }
    }
  });

  it('has the disagreements the demo promises: a missed 6 mm nodule, a mass for the 18 mm nodule, a false positive', () => {
    const keys = (r: DemoReader) => reads[r].map((m) => m.key);
    expect(keys('reader1')).toEqual(['nodule-1', 'nodule-2', 'nodule-3', 'nodule-4']);
    expect(keys('reader2')).toEqual(['nodule-1', 'nodule-2', 'nodule-3']);
    expect(reads.reader2.find((m) => m.key === 'nodule-1')!.box.label).toBe('mass');
    expect(keys('reader3')).toEqual(['nodule-1', 'nodule-2', 'nodule-3', 'nodule-4', 'false-positive-1']);
  });

  it('leaves exactly one unresolved disagreement after the seeded adjudication: the 6 mm nodule one reader missed', () => {
    const ids = Object.fromEntries(DEMO_READERS.map((r) => [r, Object.fromEntries(reads[r].map((m) => [m.key, `${r}-${m.key}`]))])) as Record<DemoReader, Record<string, string>>;
    const { proposals, rejected } = demoConsensus(reads, ids, userIds);
    expect(proposals.map((p) => [p.label, p.origin, p.sources?.length])).toEqual([
      ['nodule', 'fused', 3],
      ['nodule', 'majority', 3],
      ['nodule', 'fused', 3],
    ]);
    expect(rejected).toEqual([{ readerId: 'u3', annotationId: 'reader3-false-positive-1' }]);

    const boxes: AgreementBox[] = DEMO_READERS.flatMap((r) =>
      reads[r].map((m) => ({ readerId: userIds[r], annotationId: ids[r][m.key]!, label: m.box.label, score: m.box.attributes?.confidence ?? 1, region: regionOf(m) })),
    );
    const consensus: AgreementBox[] = proposals.map((p, i) => {
      if (p.kind !== 'box2d') throw new Error('the demo consensus is 2D');
      const region: Region2d = { kind: 'box2d', sopInstanceUid: p.sopInstanceUid, frameIndex: 0, ...p.geometry };
      return { readerId: 'adj', annotationId: `c${i}`, label: p.label, score: 1, region, sources: p.sources! };
    });
    const imageKeys = [...new Set(boxes.map((b) => imageGroupKey((b.region as Region2d).sopInstanceUid, 0)))];
    const report = studyAgreement({ readers: Object.values(userIds), boxes, imageKeys, consensus, rejections: rejected });
    expect(report.unresolvedDisagreements).toBe(1);
    expect(report.unresolvedByKind.partial).toBe(1);
    // Every reader pair agrees on at least two nodules (their boxes overlap enough to match).
    for (const pair of report.readerPairs) expect(pair.tp, `${pair.readerA}/${pair.readerB}`).toBeGreaterThanOrEqual(2);
  });
});
