import type { AgreementBox } from '@readingroom/agreement';
import { describe, expect, it } from 'vitest';
import { agreementStats } from './agreement-stats';

const box = (readerId: string, annotationId: string, label: string, sop: string, x: number): AgreementBox => ({
  readerId,
  annotationId,
  label,
  score: 1,
  region: { kind: 'box2d', sopInstanceUid: sop, frameIndex: 0, x, y: 10, width: 20, height: 20 },
});
const images = ['1.1:0', '1.2:0', '1.3:0', '1.4:0'];

describe('agreementStats', () => {
  it('gives perfect agreement for two readers who drew the same boxes', () => {
    const boxes = [box('r1', 'a', 'nodule', '1.1', 10), box('r2', 'b', 'nodule', '1.1', 10)];
    const stats = agreementStats({ boxes, readers: ['r1', 'r2'], imageKeys: images, classes: ['nodule', 'mass'] });
    expect(stats.byPair).toEqual([{ a: 'r1', b: 'r2', kappa: 1, f1: 1 }]);
    expect(stats.byClass.find((c) => c.label === 'nodule')).toEqual({ label: 'nodule', kappa: 1, f1: 1 });
    // Nobody drew a mass: kappa is undefined (no disagreement is possible) and so is F1.
    expect(stats.byClass.find((c) => c.label === 'mass')).toEqual({ label: 'mass', kappa: null, f1: null });
  });

  it('lowers F1 per class and per pair when a reader misses a finding or labels it differently', () => {
    const boxes = [
      box('r1', 'a', 'nodule', '1.1', 10),
      box('r2', 'b', 'nodule', '1.1', 10),
      box('r1', 'c', 'nodule', '1.2', 10),
      box('r1', 'd', 'mass', '1.3', 10),
      box('r2', 'e', 'nodule', '1.3', 10),
    ];
    const stats = agreementStats({ boxes, readers: ['r2', 'r1'], imageKeys: images, classes: ['nodule', 'mass'] });
    const [pair] = stats.byPair;
    // Same-label matches: only on image 1.1; r1 has 3 boxes, r2 has 2: F1 = 2·1 / (3 + 2).
    expect(pair!.f1).toBeCloseTo(0.4, 10);
    expect(pair!.kappa).not.toBeNull();
    expect(pair!.kappa!).toBeLessThan(1);
    const nodule = stats.byClass.find((c) => c.label === 'nodule')!;
    // r1 drew nodules on 1.1 and 1.2, r2 on 1.1 and 1.3: TP 1, FP 1, FN 1.
    expect(nodule.f1).toBeCloseTo((2 * 1) / (2 * 1 + 1 + 1), 10);
    expect(stats.byClass.find((c) => c.label === 'mass')!.f1).toBe(0);
  });
});
