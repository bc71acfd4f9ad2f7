import { compareBoxes, compareStrings, type AgreementBox, type Region } from './types';

/** A proposed consensus box computed from a cluster of reader boxes. */
export interface FusedBox {
  readonly region: Region;
  readonly label: string;
  /** WBF: mean confidence × min(members, readers) / readers. Majority: readers in favour / readers. */
  readonly score: number;
}

/** Corner coordinates; z runs over [first, last + 1) so a slice range is a half-open interval. */
type Corners = [x1: number, y1: number, x2: number, y2: number, z1: number, z2: number];

function corners(r: Region): Corners {
  const z: [number, number] = r.kind === 'box3d' ? [r.firstSliceIndex, r.lastSliceIndex + 1] : [0, 1];
  return [r.x, r.y, r.x + r.width, r.y + r.height, z[0], z[1]];
}

/** A region like `like` (same image or series) with the given corners; slice bounds are rounded. */
function fromCorners(like: Region, c: Corners): Region {
  const [x1, y1, x2, y2, z1, z2] = c;
  const rect = { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
  if (like.kind === 'box2d') {
    return { kind: 'box2d', sopInstanceUid: like.sopInstanceUid, frameIndex: like.frameIndex, ...rect };
  }
  const first = Math.round(z1);
  return {
    kind: 'box3d',
    seriesInstanceUid: like.seriesInstanceUid,
    ...rect,
    firstSliceIndex: first,
    lastSliceIndex: Math.max(first, Math.round(z2) - 1),
  };
}

/** The members in canonical order (sums then do not depend on the input order); no copy when already sorted. */
function sorted(members: readonly AgreementBox[]): readonly AgreementBox[] {
  if (members.length === 0) throw new RangeError('cannot fuse an empty cluster');
  for (let i = 1; i < members.length; i++) {
    if (compareBoxes(members[i - 1]!, members[i]!) > 0) return [...members].sort(compareBoxes);
  }
  return members;
}

/** Weight of a box in fusion: its score when positive and finite, otherwise 1. */
function weightOf(box: AgreementBox): number {
  return Number.isFinite(box.score) && box.score > 0 ? box.score : 1;
}

/** Confidence-weighted mean of the members' corner coordinates (the WBF box). */
export function weightedMeanRegion(members: readonly AgreementBox[]): Region {
  const boxes = sorted(members);
  let [x1, y1, x2, y2, z1, z2, total] = [0, 0, 0, 0, 0, 0, 0];
  for (const box of boxes) {
    const w = weightOf(box);
    const c = corners(box.region);
    total += w;
    x1 += w * c[0];
    y1 += w * c[1];
    x2 += w * c[2];
    y2 += w * c[3];
    z1 += w * c[4];
    z2 += w * c[5];
  }
  return fromCorners(boxes[0]!.region, [x1 / total, y1 / total, x2 / total, y2 / total, z1 / total, z2 / total]);
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Coordinate-wise median (or unweighted mean) of the members' corner coordinates. */
export function centralRegion(members: readonly AgreementBox[], how: 'median' | 'mean'): Region {
  const boxes = sorted(members);
  const all = boxes.map((b) => corners(b.region));
  const pick = (k: number): number => {
    const vs = all.map((c) => c[k]!);
    return how === 'median' ? median(vs) : vs.reduce((s, v) => s + v, 0) / vs.length;
  };
  return fromCorners(boxes[0]!.region, [pick(0), pick(1), pick(2), pick(3), pick(4), pick(5)]);
}

/**
 * Majority label: the label with the greatest total weight (score when `weighted`, else count);
 * ties go to the label that sorts first (code-unit order).
 */
export function majorityLabel(members: readonly AgreementBox[], weighted: boolean): string {
  const totals = new Map<string, number>();
  for (const box of sorted(members)) totals.set(box.label, (totals.get(box.label) ?? 0) + (weighted ? weightOf(box) : 1));
  let best = '';
  let bestWeight = Number.NEGATIVE_INFINITY;
  for (const [label, w] of [...totals].sort((a, b) => compareStrings(a[0], b[0]))) {
    if (w > bestWeight) {
      best = label;
      bestWeight = w;
    }
  }
  return best;
}

/**
 * Weighted box fusion of one cluster (Solovyev, Wang, Gabruseva 2021): coordinates are the
 * confidence-weighted mean of the members' corners; the score is the mean confidence scaled
 * by min(members, readers) / readers, so a box few readers drew scores lower. The label is
 * the confidence-weighted majority. 3D slice bounds are rounded to whole slices.
 */
export function weightedBoxFusion(members: readonly AgreementBox[], readerCount: number): FusedBox {
  const boxes = sorted(members);
  const n = Math.max(1, readerCount);
  const meanScore = boxes.reduce((s, b) => s + weightOf(b), 0) / boxes.length;
  return {
    region: weightedMeanRegion(boxes),
    label: majorityLabel(boxes, true),
    score: (meanScore * Math.min(boxes.length, n)) / n,
  };
}

export interface MajorityVoteOptions {
  /** Minimum number of distinct readers in the cluster. */
  readonly quorum: number;
  /** How the box is formed from the members' corners. Default 'median'. */
  readonly coordinates?: 'median' | 'mean';
}

/**
 * Majority vote: the cluster is kept only when at least `quorum` distinct readers drew it; the
 * box is the coordinate-wise median (default) or mean of the members' corners; the label is the
 * unweighted majority; the score is the share of readers in the cluster. Null below quorum.
 */
export function majorityVote(members: readonly AgreementBox[], readerCount: number, options: MajorityVoteOptions): FusedBox | null {
  const boxes = sorted(members);
  const readers = new Set(boxes.map((b) => b.readerId)).size;
  if (readers < options.quorum) return null;
  return {
    region: centralRegion(boxes, options.coordinates ?? 'median'),
    label: majorityLabel(boxes, false),
    score: readers / Math.max(1, readerCount, readers),
  };
}
