import { majorityVote, weightedBoxFusion, type AgreementBox, type Region2d } from '@readingroom/agreement';
import type { NewBox2d, Proposal } from '@readingroom/model';

/**
 * The demo's finished reads of the synthetic chest CT (pure data; `seed-demo-reads.ts` writes
 * them): three readers mark the four known nodules on their key slices, with what real reads
 * have: boxes drawn with a margin and a little off, the 6 mm nodule missed by one reader, the
 * 18 mm nodule called a mass by another, and one false positive (a vessel). The adjudicator has
 * fused three of the nodules into the consensus and rejected the false positive; the 6 mm nodule
 * is left for whoever tries the adjudication screen. No randomness: every run draws the same.
 */

/** What the demo needs of `ground-truth.json` (written by `@readingroom/demo-data`). */
export interface DemoCtTruth {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly lesions: readonly {
    readonly id: string;
    readonly middleSliceIndex: number;
    readonly slices: readonly { readonly sliceIndex: number; readonly sopInstanceUid: string; readonly box: Rect }[];
  }[];
}

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const DEMO_READERS = ['reader1', 'reader2', 'reader3'] as const;
export type DemoReader = (typeof DEMO_READERS)[number];

/** A mark on a nodule's key slice: the truth box grown by `margin` px per side, then moved and resized. */
interface NoduleMark {
  readonly nodule: string;
  readonly label: 'nodule' | 'mass';
  readonly confidence: number;
  readonly margin: number;
  /** [dx, dy, dwidth, dheight] in pixels. */
  readonly shift: readonly [number, number, number, number];
}

/** A box where there is no nodule, `slices` away from the key slice of `besideNodule` (within its slice range). */
interface FalsePositive {
  readonly besideNodule: string;
  readonly slices: number;
  readonly rect: Rect;
  readonly confidence: number;
}

const MARKS: Readonly<Record<DemoReader, readonly NoduleMark[]>> = {
  reader1: [
    { nodule: 'nodule-1', label: 'nodule', confidence: 5, margin: 2, shift: [0.5, -0.5, 1, 0] },
    { nodule: 'nodule-2', label: 'nodule', confidence: 4, margin: 2, shift: [0, 0.5, 0, 1] },
    { nodule: 'nodule-3', label: 'nodule', confidence: 4, margin: 2, shift: [-0.5, 0, 1, 0] },
    { nodule: 'nodule-4', label: 'nodule', confidence: 3, margin: 2, shift: [0.5, 0.5, 0, 0] },
  ],
  // Calls the 18 mm nodule a mass and misses the 6 mm one.
  reader2: [
    { nodule: 'nodule-1', label: 'mass', confidence: 4, margin: 3, shift: [-1, 1, 0, 1] },
    { nodule: 'nodule-2', label: 'nodule', confidence: 4, margin: 3, shift: [-1, 0, 1, 0] },
    { nodule: 'nodule-3', label: 'nodule', confidence: 3, margin: 2, shift: [1, 0.5, 0, 1] },
  ],
  reader3: [
    { nodule: 'nodule-1', label: 'nodule', confidence: 5, margin: 2, shift: [1, 0, -1, 1] },
    { nodule: 'nodule-2', label: 'nodule', confidence: 3, margin: 2, shift: [0.5, -0.5, 1, 0] },
    { nodule: 'nodule-3', label: 'nodule', confidence: 4, margin: 2, shift: [0, -0.5, 0, 0] },
    { nodule: 'nodule-4', label: 'nodule', confidence: 3, margin: 3, shift: [-0.5, 0, 0, 1] },
  ],
};

/** reader3's false positive: a vessel in cross-section in the other lung, two slices above the 18 mm nodule. */
const FALSE_POSITIVES: Readonly<Partial<Record<DemoReader, readonly FalsePositive[]>>> = {
  reader3: [{ besideNodule: 'nodule-1', slices: 2, rect: { x: 150.5, y: 100.5, width: 8, height: 8 }, confidence: 2 }],
};

/** One box a demo reader drew, with a stable key to refer to it before it has an id. */
export interface DemoMark {
  readonly key: string;
  readonly box: Omit<NewBox2d, 'author'>;
}

/** Every box each demo reader drew. */
export function demoReads(truth: DemoCtTruth): Record<DemoReader, DemoMark[]> {
  const keySlice = (noduleId: string, offset = 0) => {
    const lesion = truth.lesions.find((l) => l.id === noduleId);
    if (!lesion) throw new Error(`the demo ground truth has no ${noduleId}`);
    const slice = lesion.slices.find((s) => s.sliceIndex === lesion.middleSliceIndex);
    if (!slice) throw new Error(`the demo ground truth has no key slice for ${noduleId}`);
    return { lesion, slice, sliceIndex: lesion.middleSliceIndex + offset };
  };
  const refs = { studyInstanceUid: truth.studyInstanceUid, seriesInstanceUid: truth.seriesInstanceUid };
  const out = {} as Record<DemoReader, DemoMark[]>;
  for (const reader of DEMO_READERS) {
    const marks = MARKS[reader].map((m): DemoMark => {
      const { slice } = keySlice(m.nodule);
      const [dx, dy, dw, dh] = m.shift;
      const geometry = {
        x: slice.box.x - m.margin + dx,
        y: slice.box.y - m.margin + dy,
        width: slice.box.width + 2 * m.margin + dw,
        height: slice.box.height + 2 * m.margin + dh,
      };
      return { key: m.nodule, box: { ...refs, sopInstanceUid: slice.sopInstanceUid, geometry, label: m.label, attributes: { confidence: m.confidence } } };
    });
    const fps = (FALSE_POSITIVES[reader] ?? []).map((fp, i): DemoMark => {
      const { sliceIndex } = keySlice(fp.besideNodule, fp.slices);
      const sop = sliceUid(truth, sliceIndex);
      return { key: `false-positive-${i + 1}`, box: { ...refs, sopInstanceUid: sop, geometry: { ...fp.rect }, label: 'nodule', attributes: { confidence: fp.confidence } } };
    });
    out[reader] = [...marks, ...fps];
  }
  return out;
}

/** The SOP Instance UID of a CT slice by index, from the slice lists of the nodules (the truth names no other slice). */
function sliceUid(truth: DemoCtTruth, sliceIndex: number): string {
  for (const lesion of truth.lesions) {
    const hit = lesion.slices.find((s) => s.sliceIndex === sliceIndex);
    if (hit) return hit.sopInstanceUid;
  }
  throw new Error(`no SOP Instance UID known for CT slice ${sliceIndex}`);
}

/** How the adjudicator resolved each nodule so far (nodule-4 is still open). */
const ADJUDICATED: readonly { readonly nodule: string; readonly origin: 'fused' | 'majority' }[] = [
  { nodule: 'nodule-1', origin: 'fused' },
  { nodule: 'nodule-2', origin: 'majority' },
  { nodule: 'nodule-3', origin: 'fused' },
];

/**
 * The consensus proposals the adjudicator accepted, from the readers' boxes (`ids`: reader →
 * mark key → annotation id): weighted box fusion or the majority box (coordinate-wise median),
 * as the adjudication screen proposes them. Also the reader boxes the adjudicator rejected.
 */
export function demoConsensus(
  reads: Record<DemoReader, DemoMark[]>,
  ids: Record<DemoReader, Record<string, string>>,
  userIds: Record<DemoReader, string>,
): { proposals: Proposal[]; rejected: { readerId: string; annotationId: string }[] } {
  const proposals = ADJUDICATED.map(({ nodule, origin }): Proposal => {
    const members: AgreementBox[] = [];
    for (const reader of DEMO_READERS) {
      const mark = reads[reader].find((m) => m.key === nodule);
      if (!mark) continue;
      const region: Region2d = { kind: 'box2d', sopInstanceUid: mark.box.sopInstanceUid, frameIndex: 0, ...mark.box.geometry };
      members.push({ readerId: userIds[reader], annotationId: ids[reader][nodule]!, label: mark.box.label, score: mark.box.attributes?.confidence ?? 1, region });
    }
    const fused = origin === 'majority' ? majorityVote(members, DEMO_READERS.length, { quorum: 2 }) : weightedBoxFusion(members, DEMO_READERS.length);
    if (!fused || fused.region.kind !== 'box2d') throw new Error(`the demo cannot fuse ${nodule}`);
    const { x, y, width, height, sopInstanceUid, frameIndex } = fused.region;
    const first = reads.reader1[0]!.box;
    return {
      kind: 'box2d',
      studyInstanceUid: first.studyInstanceUid,
      seriesInstanceUid: first.seriesInstanceUid,
      sopInstanceUid,
      frameIndex,
      geometry: { x, y, width, height },
      label: fused.label,
      origin,
      sources: members.map((m) => ({ readerId: m.readerId, annotationId: m.annotationId })),
    };
  });
  const rejected = DEMO_READERS.flatMap((reader) =>
    reads[reader].filter((m) => m.key.startsWith('false-positive-')).map((m) => ({ readerId: userIds[reader], annotationId: ids[reader][m.key]! })),
  );
  return { proposals, rejected };
}
