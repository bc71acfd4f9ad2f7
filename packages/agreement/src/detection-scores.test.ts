import { describe, expect, it } from 'vitest';
import { detectionScores } from './detection-scores';
import { box2d, SOP } from './test-support';

describe('detectionScores', () => {
  const reference = [
    box2d('R', 'r1', [0, 0, 10, 10], { label: 'nodule' }),
    box2d('R', 'r2', [50, 50, 10, 10], { label: 'mass' }),
    box2d('R', 'r3', [0, 0, 10, 10], { label: 'nodule', sop: SOP[1] }),
  ];
  const test = [
    box2d('T', 't1', [1, 0, 10, 10], { label: 'nodule' }),
    box2d('T', 't2', [50, 50, 10, 10], { label: 'nodule' }),
    box2d('T', 't3', [200, 200, 5, 5], { label: 'nodule' }),
  ];

  it('counts matched pairs with the same label as true positives', () => {
    const s = detectionScores(reference, test);
    expect(s).toMatchObject({ tp: 1, fp: 2, fn: 2 });
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    expect(s.recall).toBeCloseTo(1 / 3, 12);
    expect(s.f1).toBeCloseTo(1 / 3, 12);
    expect(s.meanIoU).toBeCloseTo(9 / 11, 12);
  });

  it('counts every matched pair when label-agnostic', () => {
    const s = detectionScores(reference, test, { labelAgnostic: true });
    expect(s).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(s.f1).toBeCloseTo(2 / 3, 12);
  });

  it('respects the IoU threshold', () => {
    expect(detectionScores(reference, test, { threshold: 0.9 }).tp).toBe(0);
  });

  it('reports undefined ratios as null: both empty gives null F1, an empty test set null precision', () => {
    expect(detectionScores([], [])).toMatchObject({ tp: 0, precision: null, recall: null, f1: null, meanIoU: null });
    expect(detectionScores(reference, [])).toMatchObject({ precision: null, recall: 0, f1: 0 });
  });
});
