import { majorityLabel, weightedMeanRegion } from './fusion';
import { iou } from './iou';
import { DEFAULT_IOU_THRESHOLD, groupBoxes, maxWeightPairs } from './matching';
import { compareBoxes, compareStrings, sourceKey, type AgreementBox, type Region } from './types';

export interface ClusterOptions {
  /** A box joins a cluster when its IoU with the cluster's fused box reaches this. Default 0.5. */
  readonly threshold?: number;
  /** A box only joins a cluster whose (weighted majority) label equals its own. Default false. */
  readonly requireSameLabel?: boolean;
}

/** Boxes of several readers taken to be the same finding: at most one box per reader. */
export interface Cluster {
  /** `${groupKey}#${readerId}:${annotationId}` of the first member in canonical order. */
  readonly id: string;
  readonly groupKey: string;
  readonly kind: Region['kind'];
  /** In canonical order (reader id, then annotation id). */
  readonly members: AgreementBox[];
  /** Distinct reader ids, sorted. */
  readonly readers: string[];
  /** Distinct labels, sorted. */
  readonly labels: string[];
  /** Mean IoU over all pairs of members; null for a single member. */
  readonly meanIoU: number | null;
}

/** Mean IoU over all unordered pairs of members, null when there are fewer than two. */
export function meanPairwiseIoU(members: readonly AgreementBox[]): number | null {
  if (members.length < 2) return null;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      sum += iou(members[i]!.region, members[j]!.region);
      count++;
    }
  }
  return sum / count;
}

function toCluster(key: string, members: AgreementBox[]): Cluster {
  const sortedMembers = [...members].sort(compareBoxes);
  const first = sortedMembers[0]!;
  return {
    id: `${key}#${sourceKey(first)}`,
    groupKey: key,
    kind: first.region.kind,
    members: sortedMembers,
    readers: [...new Set(sortedMembers.map((b) => b.readerId))].sort(compareStrings),
    labels: [...new Set(sortedMembers.map((b) => b.label))].sort(compareStrings),
    meanIoU: meanPairwiseIoU(sortedMembers),
  };
}

/**
 * Clusters the boxes of one group (one image or one series), deterministically: readers are
 * taken in sorted order; each reader's boxes are matched by the Hungarian assignment (max total
 * IoU, pairs below the threshold excluded) to the current clusters' fused (confidence-weighted
 * mean) boxes; a matched box joins its cluster, an unmatched one starts a new cluster. A
 * reader's boxes are never matched to clusters started by the same reader, so a cluster holds
 * at most one box per reader. The result does not depend on the input order.
 */
export function clusterGroup(key: string, boxes: readonly AgreementBox[], options: ClusterOptions = {}): Cluster[] {
  const threshold = options.threshold ?? DEFAULT_IOU_THRESHOLD;
  const sameLabel = options.requireSameLabel ?? false;
  const byReader = new Map<string, AgreementBox[]>();
  for (const box of [...boxes].sort(compareBoxes)) {
    const list = byReader.get(box.readerId);
    if (list) list.push(box);
    else byReader.set(box.readerId, [box]);
  }
  const clusters: AgreementBox[][] = [];
  // The fused box (and label) of each cluster, refreshed only when the cluster grows.
  const fused: { region: Region; label: string }[] = [];
  const fuse = (members: readonly AgreementBox[]) => ({
    region: weightedMeanRegion(members),
    label: sameLabel ? majorityLabel(members, true) : '',
  });
  for (const readerBoxes of byReader.values()) {
    const weights = readerBoxes.map((box) =>
      fused.map((f) => {
        if (sameLabel && box.label !== f.label) return 0;
        const v = iou(box.region, f.region);
        return v >= threshold ? v : 0;
      }),
    );
    const joined = new Set<number>();
    for (const [i, j] of maxWeightPairs(weights)) {
      const members = clusters[j]!;
      members.push(readerBoxes[i]!);
      fused[j] = fuse(members);
      joined.add(i);
    }
    readerBoxes.forEach((box, i) => {
      if (joined.has(i)) return;
      clusters.push([box]);
      fused.push(fuse([box]));
    });
  }
  return clusters.map((members) => toCluster(key, members));
}

/** {@link clusterGroup} over every group (image or series), groups in sorted key order. */
export function clusterBoxes(boxes: readonly AgreementBox[], options: ClusterOptions = {}): Cluster[] {
  const out: Cluster[] = [];
  for (const [key, group] of groupBoxes(boxes)) out.push(...clusterGroup(key, group, options));
  return out;
}
