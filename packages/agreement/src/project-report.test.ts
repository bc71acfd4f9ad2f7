import { describe, expect, it } from 'vitest';
import { detectionScores } from './detection-scores';
import { imageGroupKey } from './iou';
import { fleissKappa } from './kappa';
import { projectAgreement } from './project-report';
import { studyAgreement, type StudyAgreementInput } from './report';
import { box2d } from './test-support';
import type { AgreementBox } from './types';

const keysOf = (sops: readonly string[]) => sops.map((s) => imageGroupKey(s, 0));

// Study 1 (images 1.1.1-1.1.4) and study 2 (1.2.1-1.2.3), both read by A and B.
const study1: StudyAgreementInput = {
  readers: ['A', 'B'],
  imageKeys: keysOf(['1.1.1', '1.1.2', '1.1.3', '1.1.4']),
  boxes: [
    box2d('A', 'a1', [10, 10, 20, 20], { sop: '1.1.1' }),
    box2d('B', 'b1', [12, 10, 20, 20], { sop: '1.1.1' }),
    box2d('A', 'a2', [40, 40, 10, 10], { sop: '1.1.2', label: 'mass' }),
    box2d('B', 'b2', [40, 41, 10, 10], { sop: '1.1.2' }),
  ],
  consensus: [box2d('adj', 'c1', [11, 10, 20, 20], { sop: '1.1.1', sources: [{ readerId: 'A', annotationId: 'a1' }, { readerId: 'B', annotationId: 'b1' }] })],
  rejections: [],
};
const study2: StudyAgreementInput = {
  readers: ['B', 'A'],
  imageKeys: keysOf(['1.2.1', '1.2.2', '1.2.3']),
  boxes: [
    box2d('A', 'a3', [5, 5, 30, 30], { sop: '1.2.1' }),
    box2d('B', 'b3', [6, 5, 30, 30], { sop: '1.2.1' }),
    box2d('B', 'b4', [70, 70, 10, 10], { sop: '1.2.3' }),
  ],
  rejections: [{ readerId: 'B', annotationId: 'b4' }],
};

describe('projectAgreement', () => {
  it('equals studyAgreement on the pooled boxes when every study has the same readers and a consensus', () => {
    const adjudicated: StudyAgreementInput = {
      ...study2,
      consensus: [box2d('adj', 'c3', [5, 5, 30, 30], { sop: '1.2.1', sources: [{ readerId: 'A', annotationId: 'a3' }] })],
    };
    const pooled = studyAgreement({
      readers: ['A', 'B'],
      boxes: [...study1.boxes, ...adjudicated.boxes],
      imageKeys: [...study1.imageKeys, ...adjudicated.imageKeys],
      consensus: [...study1.consensus!, ...adjudicated.consensus!],
      rejections: adjudicated.rejections!,
      studyCount: 2,
    });
    const project = projectAgreement([study1, adjudicated]);
    expect(project).toEqual(pooled);
    expect(project.classes.find((c) => c.label === 'nodule')!.method).toBe('cohen');
    expect(project.unresolvedDisagreements).toBeGreaterThan(0);
  });

  it("scores a reader against the consensus only in studies that have one, summed over those studies", () => {
    const project = projectAgreement([study1, study2]);
    const a = project.readerStats.find((r) => r.readerId === 'A')!;
    expect(a.vsConsensus).toEqual(detectionScores(study1.consensus!, study1.boxes.filter((b) => b.readerId === 'A')));
    expect(a).toMatchObject({ annotations: 3, annotationsPerStudy: 1.5, imagesWithFindings: 3, findingRate: 3 / 7 });
  });

  it('does not count a study against a reader who was not assigned to it', () => {
    // C reads study 3 with A; B never saw it.
    const study3: StudyAgreementInput = {
      readers: ['A', 'C'],
      imageKeys: keysOf(['1.3.1', '1.3.2']),
      boxes: [box2d('A', 'a5', [0, 0, 10, 10], { sop: '1.3.1' }), box2d('C', 'c5', [0, 0, 10, 10], { sop: '1.3.1' })],
    };
    const project = projectAgreement([study1, study2, study3]);
    expect(project.readers).toEqual(['A', 'B', 'C']);
    expect(project.readerPairs.map((p) => [p.readerA, p.readerB])).toEqual([
      ['A', 'B'],
      ['A', 'C'],
    ]);
    const b = project.readerStats.find((r) => r.readerId === 'B')!;
    expect(b.findingRate).toBe(4 / 7); // only the 7 images of studies 1 and 2
    const ac = project.readerPairs.find((p) => p.readerB === 'C')!;
    expect(ac).toMatchObject({ tp: 1, fp: 0, fn: 0, f1: 1 });
    // Two readers per study but not the same two: Fleiss' kappa over every image.
    const nodule = project.classes.find((c) => c.label === 'nodule')!;
    expect(nodule.method).toBe('fleiss');
    const table = [
      [2, 0], [1, 1], [0, 2], [0, 2], // study 1: 1.1.1 both, 1.1.2 B only
      [2, 0], [0, 2], [1, 1], // study 2: 1.2.1 both, 1.2.3 B only
      [2, 0], [0, 2], // study 3
    ];
    expect(nodule.kappa).toBe(fleissKappa(table));
    expect(nodule.imagesPresent).toEqual({ A: 3, B: 4, C: 1 });
  });

  it('gives no kappa when the number of readers differs between studies, and skips studies without readers', () => {
    const three: StudyAgreementInput = { readers: ['A', 'B', 'C'], imageKeys: keysOf(['1.4.1']), boxes: [] };
    const none: StudyAgreementInput = { readers: [], imageKeys: keysOf(['1.5.1']), boxes: [box2d('A', 'x', [0, 0, 5, 5], { sop: '1.5.1' })] };
    const project = projectAgreement([study1, three, none]);
    expect(project.classes.every((c) => c.kappa === null && c.method === null)).toBe(true);
    expect(project.studyCount).toBe(2);
    expect(project.imageCount).toBe(5);
  });

  it('sums unresolved disagreements and the consensus class balance over studies', () => {
    const project = projectAgreement([study1, study2]);
    // Study 1: a2/b2 label conflict (mass vs nodule) unresolved; study 2: a3/b3 unresolved (both
    // drew it, nothing to disagree on), b4 rejected.
    expect(project.unresolvedByKind).toEqual({ unmatched: 0, partial: 0, label_conflict: 1, low_iou: 0 });
    expect(project.unresolvedDisagreements).toBe(1);
    expect(project.consensus).toEqual({ boxes: 1, classBalance: [{ label: 'nodule', count: 1, fraction: 1 }] });
  });

  it('does not depend on the order of studies or boxes for anything but floating-point summation', () => {
    const reversed = (s: StudyAgreementInput): StudyAgreementInput => ({ ...s, boxes: [...s.boxes].reverse() as AgreementBox[] });
    const a = projectAgreement([study1, study2]);
    const b = projectAgreement([reversed(study2), reversed(study1)]);
    expect(b.readerPairs).toEqual(a.readerPairs);
    expect(b.readerStats).toEqual(a.readerStats);
    expect(b.classes.map((c) => c.kappa)).toEqual(a.classes.map((c) => c.kappa));
  });
});
