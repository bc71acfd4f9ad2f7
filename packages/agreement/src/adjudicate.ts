import { clusterGroup, type Cluster } from './clusters';
import { majorityVote, weightedBoxFusion, type FusedBox } from './fusion';
import { DEFAULT_IOU_THRESHOLD, groupBoxes } from './matching';
import { compareStrings, sourceKey, type AgreementBox, type SourceRef } from './types';

export interface AdjudicationOptions {
  /** IoU with a cluster's fused box needed to join it. Default 0.5. */
  readonly threshold?: number;
  /** Cluster only boxes of the same label (then label conflicts cannot appear). Default false. */
  readonly requireSameLabel?: boolean;
  /** Majority vote quorum (distinct readers). Default: more than half the readers. */
  readonly quorum?: number;
  /** How the majority box is formed. Default 'median'. */
  readonly majorityCoordinates?: 'median' | 'mean';
  /** A cluster whose mean pairwise IoU is below this is flagged `low_iou`. Default 0.7. */
  readonly lowIoU?: number;
}

/** What a group's computation needs besides its boxes. */
export interface AdjudicationContext {
  /** The readers taking part, sorted (their count is N in WBF and in the quorum). */
  readonly readers: readonly string[];
  /** Whether a reader box (by {@link sourceKey}) is linked from a consensus box or rejected. */
  readonly isResolved: (key: string) => boolean;
}

/** A cluster with its proposed consensus boxes and whether it has been adjudicated. */
export interface ClusterProposal extends Cluster {
  /** Weighted box fusion of the members. */
  readonly fused: FusedBox;
  /** Majority vote box, null when fewer readers than the quorum drew it. */
  readonly majority: FusedBox | null;
  /** The members as `sources` for a consensus annotation. */
  readonly sources: SourceRef[];
  /** How many members are linked from the consensus or rejected. */
  readonly resolvedSources: number;
  /** Every member is linked from the consensus or rejected. */
  readonly resolved: boolean;
}

export const DISAGREEMENT_KINDS = ['unmatched', 'partial', 'label_conflict', 'low_iou'] as const;
/**
 * `unmatched`: one reader's box no other reader matched; `partial`: some but not all readers;
 * `label_conflict`: members disagree on the label; `low_iou`: members overlap poorly.
 */
export type DisagreementKind = (typeof DISAGREEMENT_KINDS)[number];

export interface Disagreement {
  readonly clusterId: string;
  readonly groupKey: string;
  readonly kinds: DisagreementKind[];
  /**
   * Sum of: the share of readers missing from the cluster, the share of members not carrying the
   * majority label, and (1 - mean IoU) when flagged `low_iou`. Higher is worse.
   */
  readonly severity: number;
  /** Readers (of the context) without a box in the cluster. */
  readonly missingReaders: string[];
  /** Every member is linked from the consensus or rejected (only listed when asked for). */
  readonly resolved: boolean;
  readonly proposal: ClusterProposal;
}

export interface GroupAdjudication {
  readonly proposals: ClusterProposal[];
  /** Resolved ones included (flagged), worst first. */
  readonly disagreements: Disagreement[];
}

export interface DisagreementQuery {
  /** Also list disagreements of resolved clusters (flagged `resolved: true`). Default false. */
  readonly includeResolved?: boolean;
}

/** The default quorum: a strict majority of the readers. */
export function defaultQuorum(readerCount: number): number {
  return Math.floor(readerCount / 2) + 1;
}

function disagreementOf(p: ClusterProposal, readers: readonly string[], lowIoU: number): Disagreement | null {
  const n = readers.length;
  const present = new Set(p.readers);
  const missingReaders = readers.filter((r) => !present.has(r));
  const kinds: DisagreementKind[] = [];
  let severity = 0;
  if (n >= 2 && missingReaders.length > 0) {
    kinds.push(p.readers.length === 1 ? 'unmatched' : 'partial');
    severity += missingReaders.length / n;
  }
  if (p.labels.length > 1) {
    const counts = new Map<string, number>();
    for (const m of p.members) counts.set(m.label, (counts.get(m.label) ?? 0) + 1);
    kinds.push('label_conflict');
    severity += 1 - Math.max(...counts.values()) / p.members.length;
  }
  if (p.meanIoU !== null && p.meanIoU < lowIoU) {
    kinds.push('low_iou');
    severity += 1 - p.meanIoU;
  }
  return kinds.length === 0 ? null : { clusterId: p.id, groupKey: p.groupKey, kinds, severity, missingReaders, resolved: p.resolved, proposal: p };
}

/** Worst first; ties by group key and cluster id, so the order is deterministic. */
export function compareDisagreements(a: Disagreement, b: Disagreement): number {
  return b.severity - a.severity || compareStrings(a.groupKey, b.groupKey) || compareStrings(a.clusterId, b.clusterId);
}

/** Clusters, proposals and disagreements of one group (one image or series). Pure. */
export function adjudicateGroup(
  key: string,
  boxes: readonly AgreementBox[],
  context: AdjudicationContext,
  options: AdjudicationOptions = {},
): GroupAdjudication {
  const n = context.readers.length;
  const quorum = options.quorum ?? defaultQuorum(n);
  const clusters = clusterGroup(key, boxes, {
    threshold: options.threshold ?? DEFAULT_IOU_THRESHOLD,
    requireSameLabel: options.requireSameLabel ?? false,
  });
  const proposals = clusters.map((c): ClusterProposal => {
    const resolvedSources = c.members.filter((m) => context.isResolved(sourceKey(m))).length;
    return {
      ...c,
      fused: weightedBoxFusion(c.members, n),
      majority: majorityVote(c.members, n, { quorum, coordinates: options.majorityCoordinates ?? 'median' }),
      sources: c.members.map((m) => ({ readerId: m.readerId, annotationId: m.annotationId })),
      resolvedSources,
      resolved: resolvedSources === c.members.length,
    };
  });
  const disagreements: Disagreement[] = [];
  for (const p of proposals) {
    const d = disagreementOf(p, context.readers, options.lowIoU ?? 0.7);
    if (d) disagreements.push(d);
  }
  return { proposals, disagreements: disagreements.sort(compareDisagreements) };
}

/** Source keys linked from consensus boxes or rejected. */
export function resolvedKeys(consensus: readonly AgreementBox[], rejections: readonly SourceRef[] = []): Set<string> {
  const keys = new Set(rejections.map(sourceKey));
  for (const box of consensus) for (const s of box.sources ?? []) keys.add(sourceKey(s));
  return keys;
}

export interface AdjudicationInput {
  /** Every reader's boxes. */
  readonly boxes: readonly AgreementBox[];
  /** Readers taking part; default: the readers of `boxes`. */
  readonly readers?: readonly string[];
  readonly consensus?: readonly AgreementBox[];
  readonly rejections?: readonly SourceRef[];
}

/**
 * The whole computation at once (what {@link LiveAdjudication} maintains incrementally):
 * proposals in group-key order, unresolved disagreements (or all, flagged, with
 * `includeResolved`) sorted worst first.
 */
export function adjudicate(
  input: AdjudicationInput,
  options: AdjudicationOptions = {},
  query: DisagreementQuery = {},
): { proposals: ClusterProposal[]; disagreements: Disagreement[] } {
  const readers = [...new Set(input.readers ?? input.boxes.map((b) => b.readerId))].sort(compareStrings);
  const resolved = resolvedKeys(input.consensus ?? [], input.rejections ?? []);
  const context: AdjudicationContext = { readers, isResolved: (k) => resolved.has(k) };
  const proposals: ClusterProposal[] = [];
  const disagreements: Disagreement[] = [];
  for (const [key, group] of groupBoxes(input.boxes)) {
    const result = adjudicateGroup(key, group, context, options);
    proposals.push(...result.proposals);
    for (const d of result.disagreements) if (query.includeResolved === true || !d.resolved) disagreements.push(d);
  }
  return { proposals, disagreements: disagreements.sort(compareDisagreements) };
}
