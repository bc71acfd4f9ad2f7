import { adjudicate, DISAGREEMENT_KINDS, type DisagreementKind } from './adjudicate';
import { scoresFromPairs, type DetectionScores } from './detection-scores';
import { groupKey } from './iou';
import { cohenKappa, fleissKappa } from './kappa';
import { DEFAULT_IOU_THRESHOLD, matchBoxes, type MatchedPair } from './matching';
import { classPresence, presenceCountTable, type ClassPresence } from './presence';
import type { AgreementReport, ClassAgreement, PairAgreement, ReaderStats, StudyAgreementInput, StudyAgreementOptions } from './report';
import { compareStrings, type AgreementBox } from './types';

/** One study as {@link projectAgreement} sees it: its own readers, boxes, image keys and consensus. */
interface Study {
  readonly readers: readonly string[];
  readonly boxes: readonly AgreementBox[];
  readonly byReader: ReadonlyMap<string, readonly AgreementBox[]>;
  readonly imageKeys: readonly string[];
  readonly consensus: readonly AgreementBox[] | undefined;
  readonly input: StudyAgreementInput;
}

function prepare(input: StudyAgreementInput): Study {
  const readers = [...new Set(input.readers)].sort(compareStrings);
  const set = new Set(readers);
  const boxes = input.boxes.filter((b) => set.has(b.readerId));
  const byReader = new Map(readers.map((r) => [r, boxes.filter((b) => b.readerId === r)] as const));
  return { readers, boxes, byReader, imageKeys: [...new Set(input.imageKeys)], consensus: input.consensus, input };
}

/** Detection scores over several studies: every study's matched pairs, summed in group-key order. */
class ScoreSum {
  private readonly pairs: MatchedPair[] = [];
  private reference = 0;
  private test = 0;
  private count = 0;

  add(reference: readonly AgreementBox[], test: readonly AgreementBox[], options: { threshold: number; labelAgnostic: boolean }): void {
    this.pairs.push(...matchBoxes(reference, test, { threshold: options.threshold, requireSameLabel: !options.labelAgnostic }).pairs);
    this.reference += reference.length;
    this.test += test.length;
    this.count++;
  }

  get studies(): number {
    return this.count;
  }

  /**
   * Group keys are unique to one study, so ordering the pairs by group key (stable) sums the IoUs
   * in exactly the order `detectionScores` would on the pooled boxes.
   */
  scores(): DetectionScores {
    const keyed = this.pairs.map((p) => [groupKey(p.a.region), p] as const);
    keyed.sort((x, y) => compareStrings(x[0], y[0]));
    return scoresFromPairs(
      keyed.map(([, p]) => p),
      this.reference,
      this.test,
    );
  }
}

/**
 * Kappa of one class over the studies with at least two readers: Cohen's when every such study
 * has the same two readers, Fleiss' when they all have the same number of readers (Fleiss' kappa
 * does not need the same raters on every subject), null when the number of readers varies.
 */
function classKappa(rated: readonly { study: Study; presence: ClassPresence }[]): Pick<ClassAgreement, 'method' | 'kappa'> {
  const withImages = rated.filter((r) => r.study.imageKeys.length > 0);
  if (withImages.length === 0) return { method: null, kappa: null };
  const first = withImages[0]!.study.readers;
  const sameCount = withImages.every((r) => r.study.readers.length === first.length);
  if (!sameCount) return { method: null, kappa: null };
  const sameReaders = withImages.every((r) => r.study.readers.every((id, i) => id === first[i]));
  if (first.length === 2 && sameReaders) {
    const rating = (reader: string) =>
      withImages.flatMap(({ presence }) => (presence.presentByReader[reader] ?? []).map((p) => (p ? 'present' : 'absent')));
    return { method: 'cohen', kappa: cohenKappa(rating(first[0]!), rating(first[1]!)) };
  }
  return { method: 'fleiss', kappa: fleissKappa(withImages.flatMap(({ study, presence }) => presenceCountTable(presence, study.readers))) };
}

/**
 * The agreement report of a project: several studies, each with its **own** readers (e.g. two of
 * five readers assigned per study), pooled without pretending that a reader who was not assigned
 * a study found nothing in it. Same shape as {@link studyAgreement}, and equal to it on the pooled
 * input when every study has the same readers. Per class, kappa on presence over the images of
 * every study with at least two readers (Cohen for the same two readers everywhere, Fleiss for
 * the same number of readers, null when the number varies); reader pairs over the studies both
 * read; each reader's volume, finding rate and scores against the consensus over the studies they
 * read (the consensus scores over those that have a consensus); unresolved disagreements and the
 * consensus class balance summed over the studies. Studies without readers are left out.
 * `studyCount` is the number of studies with readers; `classes` default to every label seen.
 */
export function projectAgreement(inputs: readonly StudyAgreementInput[], options: StudyAgreementOptions = {}): AgreementReport {
  const studies = inputs.map(prepare).filter((s) => s.readers.length > 0);
  const threshold = options.threshold ?? DEFAULT_IOU_THRESHOLD;
  const labelAgnostic = options.labelAgnostic ?? false;
  const detection = { threshold, labelAgnostic };
  const readers = [...new Set(studies.flatMap((s) => s.readers))].sort(compareStrings);
  const classes = [
    ...new Set(studies.flatMap((s) => s.input.classes ?? [...s.boxes, ...(s.consensus ?? [])].map((b) => b.label))),
  ].sort(compareStrings);

  const presence = studies.map((study) => ({ study, byClass: classPresence(study.boxes, { imageKeys: study.imageKeys, classes, readers: study.readers }) }));
  const classAgreement = classes.map((label, c): ClassAgreement => {
    const imagesPresent: Record<string, number> = Object.fromEntries(readers.map((r) => [r, 0]));
    for (const { study, byClass } of presence) {
      for (const r of study.readers) imagesPresent[r]! += (byClass[c]!.presentByReader[r] ?? []).filter(Boolean).length;
    }
    const rated = presence.filter((p) => p.study.readers.length >= 2).map((p) => ({ study: p.study, presence: p.byClass[c]! }));
    return { label, ...classKappa(rated), imagesPresent };
  });

  const readerPairs: PairAgreement[] = [];
  readers.forEach((a, i) => {
    for (const b of readers.slice(i + 1)) {
      const sum = new ScoreSum();
      for (const s of studies) if (s.byReader.has(a) && s.byReader.has(b)) sum.add(s.byReader.get(a)!, s.byReader.get(b)!, detection);
      if (sum.studies > 0) readerPairs.push({ readerA: a, readerB: b, ...sum.scores() });
    }
  });

  const readerStats = readers.map((readerId): ReaderStats => {
    const read = studies.filter((s) => s.byReader.has(readerId));
    let annotations = 0;
    let imagesWithFindings = 0;
    let imageKeys = 0;
    const vsConsensus = new ScoreSum();
    for (const s of read) {
      const own = s.byReader.get(readerId)!;
      const keys = new Set(s.imageKeys);
      annotations += own.length;
      imagesWithFindings += new Set(own.map((b) => groupKey(b.region)).filter((k) => keys.has(k))).size;
      imageKeys += keys.size;
      if (s.consensus) vsConsensus.add(s.consensus, own, detection);
    }
    return {
      readerId,
      annotations,
      annotationsPerStudy: annotations / read.length,
      imagesWithFindings,
      findingRate: imageKeys === 0 ? null : imagesWithFindings / imageKeys,
      vsConsensus: vsConsensus.studies === 0 ? null : vsConsensus.scores(),
    };
  });

  const unresolvedByKind = Object.fromEntries(DISAGREEMENT_KINDS.map((k) => [k, 0])) as Record<DisagreementKind, number>;
  let unresolvedDisagreements = 0;
  const counts = new Map<string, number>();
  let consensusBoxes = 0;
  for (const s of studies) {
    const consensus = s.consensus ?? [];
    const { disagreements } = adjudicate({ boxes: s.boxes, readers: s.readers, consensus, rejections: s.input.rejections ?? [] }, options);
    unresolvedDisagreements += disagreements.length;
    for (const d of disagreements) for (const k of d.kinds) unresolvedByKind[k]++;
    for (const b of consensus) counts.set(b.label, (counts.get(b.label) ?? 0) + 1);
    consensusBoxes += consensus.length;
  }
  const classBalance = [...counts]
    .sort((x, y) => compareStrings(x[0], y[0]))
    .map(([label, count]) => ({ label, count, fraction: count / consensusBoxes }));

  return {
    readers,
    imageCount: new Set(studies.flatMap((s) => s.imageKeys)).size,
    studyCount: studies.length,
    threshold,
    labelAgnostic,
    classes: classAgreement,
    readerPairs,
    readerStats,
    unresolvedDisagreements,
    unresolvedByKind,
    consensus: { boxes: consensusBoxes, classBalance },
  };
}
