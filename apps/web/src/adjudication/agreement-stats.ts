import { classPresence, cohenKappa, detectionScores, groupKey, studyAgreement, type AgreementBox } from '@readingroom/agreement';

export interface ClassStats {
  readonly label: string;
  /** Chance-corrected agreement on the class's presence per image (Cohen 2 readers, Fleiss more). */
  readonly kappa: number | null;
  /** Mean over reader pairs of the detection F1 restricted to this class. */
  readonly f1: number | null;
}

export interface PairStats {
  readonly a: string;
  readonly b: string;
  /** Cohen's kappa over the (class, image) presence ratings of the two readers. */
  readonly kappa: number | null;
  /** Detection F1 (same-label boxes matched one-to-one at IoU 0.5); symmetric. */
  readonly f1: number | null;
}

export interface AgreementStats {
  readonly byClass: ClassStats[];
  readonly byPair: PairStats[];
}

export interface AgreementStatsInput {
  /** Every reader's boxes. */
  readonly boxes: readonly AgreementBox[];
  /** Readers taking part. */
  readonly readers: readonly string[];
  /** Images (group keys) the readers saw; keys of the boxes are added. */
  readonly imageKeys: readonly string[];
  /** The taxonomy's box classes; labels of the boxes are added. */
  readonly classes: readonly string[];
}

const mean = (values: readonly (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((s, v) => s + v, 0) / known.length;
};

/**
 * Kappa and F1 per class and per reader pair (pure). The package's report gives kappa per class
 * and F1 per pair; the two other cells use the same definitions: F1 per class is the pairs' F1 on
 * that class's boxes, kappa per pair is Cohen's kappa of their presence over every class.
 */
export function agreementStats(input: AgreementStatsInput): AgreementStats {
  const readers = [...new Set(input.readers)].sort();
  const boxes = input.boxes;
  const imageKeys = [...new Set([...input.imageKeys, ...boxes.map((b) => groupKey(b.region))])];
  const classes = [...new Set([...input.classes, ...boxes.map((b) => b.label)])];
  const report = studyAgreement({ readers, boxes, imageKeys, classes });
  const boxesOf = (reader: string, label: string) => boxes.filter((b) => b.readerId === reader && b.label === label);

  const byClass = report.classes.map((c): ClassStats => ({
    label: c.label,
    kappa: c.kappa,
    f1: mean(report.readerPairs.map((p) => detectionScores(boxesOf(p.readerA, c.label), boxesOf(p.readerB, c.label)).f1)),
  }));
  const presence = classPresence(boxes, { imageKeys, classes, readers });
  const rating = (reader: string) => presence.flatMap((p) => (p.presentByReader[reader] ?? []).map((present) => (present ? 1 : 0)));
  const byPair = report.readerPairs.map((p): PairStats => ({ a: p.readerA, b: p.readerB, kappa: cohenKappa(rating(p.readerA), rating(p.readerB)), f1: p.f1 }));
  return { byClass, byPair };
}
