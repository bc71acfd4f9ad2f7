import { adjudicate, DISAGREEMENT_KINDS, type AdjudicationOptions, type DisagreementKind } from './adjudicate';
import { detectionScores, type DetectionScores } from './detection-scores';
import { groupKey } from './iou';
import { DEFAULT_IOU_THRESHOLD } from './matching';
import { classPresence, presenceKappa } from './presence';
import { compareStrings, type AgreementBox, type SourceRef } from './types';

export interface StudyAgreementInput {
  /** The readers whose reads are compared (e.g. the session's assigned readers). */
  readonly readers: readonly string[];
  /** Their boxes; boxes of other readers are ignored. */
  readonly boxes: readonly AgreementBox[];
  /** Group keys (images; series for 3D reads) the readers were shown: the denominator of rates and kappa. */
  readonly imageKeys: readonly string[];
  readonly consensus?: readonly AgreementBox[];
  readonly rejections?: readonly SourceRef[];
  /** Classes to report on; default every label of the boxes and the consensus. */
  readonly classes?: readonly string[];
  /** Studies covered (for annotations per study); default the distinct studies of the boxes, at least 1. */
  readonly studyCount?: number;
}

export interface StudyAgreementOptions extends AdjudicationOptions {
  /** Count matched boxes as agreeing whatever their labels. Default false. */
  readonly labelAgnostic?: boolean;
}

export interface ClassAgreement {
  readonly label: string;
  /** 'cohen' for two readers, 'fleiss' for more; null with fewer than two readers or no images. */
  readonly method: 'cohen' | 'fleiss' | null;
  /** Kappa on per-image presence of the class; null when undefined (e.g. nobody ever drew it). */
  readonly kappa: number | null;
  /** Per reader, on how many image keys they drew the class. */
  readonly imagesPresent: Record<string, number>;
}

export interface PairAgreement extends DetectionScores {
  /** Taken as the reference (recall is of readerA's boxes). */
  readonly readerA: string;
  readonly readerB: string;
}

export interface ReaderStats {
  readonly readerId: string;
  readonly annotations: number;
  readonly annotationsPerStudy: number;
  readonly imagesWithFindings: number;
  /** Image keys with at least one box / image keys; null without image keys. */
  readonly findingRate: number | null;
  /** Against the consensus as reference; null when there is no consensus. */
  readonly vsConsensus: DetectionScores | null;
}

export interface AgreementReport {
  readonly readers: string[];
  readonly imageCount: number;
  readonly studyCount: number;
  readonly threshold: number;
  readonly labelAgnostic: boolean;
  readonly classes: ClassAgreement[];
  readonly readerPairs: PairAgreement[];
  readonly readerStats: ReaderStats[];
  readonly unresolvedDisagreements: number;
  readonly unresolvedByKind: Record<DisagreementKind, number>;
  readonly consensus: {
    readonly boxes: number;
    readonly classBalance: { readonly label: string; readonly count: number; readonly fraction: number }[];
  };
}

/**
 * Agreement report of a study (or a whole project: pass every study's boxes and image keys):
 * per-class kappa on presence, per reader pair detection F1, per reader statistics against the
 * consensus, unresolved disagreements and the consensus class balance. Plain JSON data.
 */
export function studyAgreement(input: StudyAgreementInput, options: StudyAgreementOptions = {}): AgreementReport {
  const readers = [...new Set(input.readers)].sort(compareStrings);
  const readerSet = new Set(readers);
  const boxes = input.boxes.filter((b) => readerSet.has(b.readerId));
  const consensus = input.consensus ?? [];
  const threshold = options.threshold ?? DEFAULT_IOU_THRESHOLD;
  const labelAgnostic = options.labelAgnostic ?? false;
  const detection = { threshold, labelAgnostic };
  const byReader = new Map(readers.map((r) => [r, boxes.filter((b) => b.readerId === r)] as const));
  const classes = input.classes
    ? [...input.classes]
    : [...new Set([...boxes, ...consensus].map((b) => b.label))].sort(compareStrings);
  const studyCount = input.studyCount ?? Math.max(1, new Set(boxes.flatMap((b) => (b.studyInstanceUid ? [b.studyInstanceUid] : []))).size);
  const imageKeys = [...new Set(input.imageKeys)];
  const imageKeySet = new Set(imageKeys);

  const classAgreement = classPresence(boxes, { imageKeys, classes, readers }).map((presence): ClassAgreement => {
    const k = presenceKappa(presence, readers);
    const imagesPresent: Record<string, number> = {};
    for (const r of readers) imagesPresent[r] = (presence.presentByReader[r] ?? []).filter(Boolean).length;
    return { label: presence.label, method: k?.method ?? null, kappa: k?.kappa ?? null, imagesPresent };
  });

  const readerPairs: PairAgreement[] = [];
  readers.forEach((a, i) => {
    for (const b of readers.slice(i + 1)) {
      readerPairs.push({ readerA: a, readerB: b, ...detectionScores(byReader.get(a)!, byReader.get(b)!, detection) });
    }
  });

  const readerStats = readers.map((readerId): ReaderStats => {
    const own = byReader.get(readerId)!;
    const imagesWithFindings = new Set(own.map((b) => groupKey(b.region)).filter((k) => imageKeySet.has(k))).size;
    return {
      readerId,
      annotations: own.length,
      annotationsPerStudy: own.length / studyCount,
      imagesWithFindings,
      findingRate: imageKeySet.size === 0 ? null : imagesWithFindings / imageKeySet.size,
      vsConsensus: input.consensus ? detectionScores(consensus, own, detection) : null,
    };
  });

  const { disagreements } = adjudicate({ boxes, readers, consensus, rejections: input.rejections ?? [] }, options);
  const unresolvedByKind = Object.fromEntries(DISAGREEMENT_KINDS.map((k) => [k, 0])) as Record<DisagreementKind, number>;
  for (const d of disagreements) for (const k of d.kinds) unresolvedByKind[k]++;

  const counts = new Map<string, number>();
  for (const b of consensus) counts.set(b.label, (counts.get(b.label) ?? 0) + 1);
  const classBalance = [...counts]
    .sort((x, y) => compareStrings(x[0], y[0]))
    .map(([label, count]) => ({ label, count, fraction: count / consensus.length }));

  return {
    readers,
    imageCount: imageKeySet.size,
    studyCount,
    threshold,
    labelAgnostic,
    classes: classAgreement,
    readerPairs,
    readerStats,
    unresolvedDisagreements: disagreements.length,
    unresolvedByKind,
    consensus: { boxes: consensus.length, classBalance },
  };
}
