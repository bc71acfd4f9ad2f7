import { matchBoxes, type MatchedPair } from './matching';
import type { AgreementBox } from './types';

export interface DetectionOptions {
  /** IoU a matched pair needs. Default 0.5. */
  readonly threshold?: number;
  /** Count every matched pair as a true positive whatever the labels. Default false. */
  readonly labelAgnostic?: boolean;
}

/** Precision, recall and F1 of `test` against `reference`; null where the ratio is 0/0. */
export interface DetectionScores {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number | null;
  readonly recall: number | null;
  /** 2 TP / (2 TP + FP + FN); null only when both sides are empty. */
  readonly f1: number | null;
  /** Mean IoU over the true-positive pairs; null when there are none. */
  readonly meanIoU: number | null;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** Scores from the matched (true-positive) pairs and the two set sizes. */
export function scoresFromPairs(pairs: readonly MatchedPair[], referenceCount: number, testCount: number): DetectionScores {
  const tp = pairs.length;
  const fp = testCount - tp;
  const fn = referenceCount - tp;
  return {
    tp,
    fp,
    fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    meanIoU: ratio(pairs.reduce((s, p) => s + p.iou, 0), tp),
  };
}

/**
 * Detection agreement of `test` with `reference` (another reader, or the consensus): boxes are
 * matched one-to-one per image/series by the Hungarian assignment at the IoU threshold; a true
 * positive is a matched pair with the same label (matching is then done within labels), or any
 * matched pair when `labelAgnostic`. FP = unmatched test boxes, FN = unmatched reference boxes.
 */
export function detectionScores(
  reference: readonly AgreementBox[],
  test: readonly AgreementBox[],
  options: DetectionOptions = {},
): DetectionScores {
  const { pairs } = matchBoxes(reference, test, {
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    requireSameLabel: options.labelAgnostic !== true,
  });
  return scoresFromPairs(pairs, reference.length, test.length);
}
