import { linearSumAssignment } from './hungarian';
import { groupKey, iou } from './iou';
import { compareBoxes, compareStrings, type AgreementBox } from './types';

export const DEFAULT_IOU_THRESHOLD = 0.5;

export interface MatchOptions {
  /** A pair needs IoU >= threshold (and > 0) to be matched. Default 0.5. */
  readonly threshold?: number;
  /** Only pair boxes with the same label. Default false (label-agnostic). */
  readonly requireSameLabel?: boolean;
}

export interface MatchedPair {
  readonly a: AgreementBox;
  readonly b: AgreementBox;
  readonly iou: number;
}

export interface MatchResult {
  /** In group-key order, then in the canonical (reader, annotation id) order of `a`. */
  readonly pairs: MatchedPair[];
  readonly unmatchedA: AgreementBox[];
  readonly unmatchedB: AgreementBox[];
}

/**
 * Pairs (row, column) of a one-to-one assignment maximising the total weight, ignoring zero
 * weights: weights below a threshold should be set to 0 by the caller, so that they never
 * displace a valid pair. Pairs come back in row order.
 */
export function maxWeightPairs(weights: readonly (readonly number[])[]): [number, number][] {
  const { rowIndices, colIndices } = linearSumAssignment(weights, { maximize: true });
  const pairs: [number, number][] = [];
  rowIndices.forEach((r, k) => {
    const c = colIndices[k]!;
    if ((weights[r]?.[c] ?? 0) > 0) pairs.push([r, c]);
  });
  return pairs;
}

/** Boxes by group key (image or series), keys sorted, boxes in canonical order within a group. */
export function groupBoxes(boxes: Iterable<AgreementBox>): Map<string, AgreementBox[]> {
  const groups = new Map<string, AgreementBox[]>();
  for (const box of boxes) {
    const key = groupKey(box.region);
    const list = groups.get(key);
    if (list) list.push(box);
    else groups.set(key, [box]);
  }
  const sorted = new Map<string, AgreementBox[]>();
  for (const key of [...groups.keys()].sort(compareStrings)) sorted.set(key, groups.get(key)!.sort(compareBoxes));
  return sorted;
}

/** IoU of a pair when it may be matched under the options, otherwise 0. */
export function pairWeight(a: AgreementBox, b: AgreementBox, threshold: number, requireSameLabel: boolean): number {
  if (requireSameLabel && a.label !== b.label) return 0;
  const v = iou(a.region, b.region);
  return v >= threshold ? v : 0;
}

/**
 * Optimal one-to-one matching of two box sets (e.g. two readers), independently per image
 * (2D) or series (3D): the Hungarian assignment maximising the total IoU over pairs whose IoU
 * reaches the threshold. Input order does not matter.
 */
export function matchBoxes(a: readonly AgreementBox[], b: readonly AgreementBox[], options: MatchOptions = {}): MatchResult {
  const threshold = options.threshold ?? DEFAULT_IOU_THRESHOLD;
  const sameLabel = options.requireSameLabel ?? false;
  const groupsA = groupBoxes(a);
  const groupsB = groupBoxes(b);
  const keys = [...new Set([...groupsA.keys(), ...groupsB.keys()])].sort(compareStrings);
  const pairs: MatchedPair[] = [];
  const unmatchedA: AgreementBox[] = [];
  const unmatchedB: AgreementBox[] = [];
  for (const key of keys) {
    const ga = groupsA.get(key) ?? [];
    const gb = groupsB.get(key) ?? [];
    const weights = ga.map((x) => gb.map((y) => pairWeight(x, y, threshold, sameLabel)));
    const usedA = new Set<number>();
    const usedB = new Set<number>();
    for (const [i, j] of maxWeightPairs(weights)) {
      usedA.add(i);
      usedB.add(j);
      pairs.push({ a: ga[i]!, b: gb[j]!, iou: weights[i]![j]! });
    }
    ga.forEach((x, i) => usedA.has(i) || unmatchedA.push(x));
    gb.forEach((y, j) => usedB.has(j) || unmatchedB.push(y));
  }
  return { pairs, unmatchedA, unmatchedB };
}
