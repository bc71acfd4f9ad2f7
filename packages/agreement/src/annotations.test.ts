import { AnnotationSchema, type Annotation } from '@readingroom/model';
import { describe, expect, it } from 'vitest';
import { annotationsToBoxes, annotationToBox } from './annotations';
import { iou } from './iou';

const common = {
  studyInstanceUid: '1.2.840.1',
  seriesInstanceUid: '1.2.840.1.2',
  attributes: {},
  author: 'dr-a',
  createdBy: 'dr-a',
  createdAt: 1,
  updatedBy: 'dr-a',
  updatedAt: 2,
  deleted: false,
};

// Parsed by the model's own schema, so the converter is tested against real annotation shapes.
const flat: Annotation = AnnotationSchema.parse({
  ...common,
  id: 'ann-1',
  kind: 'box2d',
  label: 'nodule',
  sopInstanceUid: '1.2.840.1.2.7',
  frameIndex: 2,
  geometry: { x: 10, y: 20, width: 30, height: 40 },
  attributes: { confidence: 4, note: 'n' },
});
const slab: Annotation = AnnotationSchema.parse({
  ...common,
  id: 'ann-2',
  kind: 'box3d',
  label: 'mass',
  geometry: { x: 1, y: 2, width: 3, height: 4, firstSliceIndex: 5, lastSliceIndex: 9, firstSopInstanceUid: '1.5', lastSopInstanceUid: '1.9' },
});

describe('annotationToBox', () => {
  it('converts a 2D annotation with its image, frame and confidence as score', () => {
    expect(annotationToBox(flat)).toEqual({
      readerId: 'dr-a',
      annotationId: 'ann-1',
      label: 'nodule',
      score: 4,
      region: { kind: 'box2d', sopInstanceUid: '1.2.840.1.2.7', frameIndex: 2, x: 10, y: 20, width: 30, height: 40 },
      studyInstanceUid: '1.2.840.1',
    });
  });

  it('converts a 3D annotation to its series and slice range, with score 1 when no confidence is set', () => {
    const box = annotationToBox(slab)!;
    expect(box.score).toBe(1);
    expect(box.region).toEqual({ kind: 'box3d', seriesInstanceUid: '1.2.840.1.2', x: 1, y: 2, width: 3, height: 4, firstSliceIndex: 5, lastSliceIndex: 9 });
    expect(iou(box.region, box.region)).toBe(1);
  });

  it("attributes the box to the read's owner when given, else to the author", () => {
    expect(annotationToBox(flat, { readerId: 'owner' })!.readerId).toBe('owner');
  });

  it('keeps consensus sources and skips deleted annotations', () => {
    const sourced = { ...flat, sources: [{ readerId: 'r1', annotationId: 'x' }] };
    expect(annotationToBox(sourced)!.sources).toEqual([{ readerId: 'r1', annotationId: 'x' }]);
    const deleted: Annotation = { ...slab, deleted: true, deletedBy: 'dr-a', deletedAt: 3 };
    expect(annotationToBox(deleted)).toBeNull();
    expect(annotationsToBoxes([flat, deleted, slab]).map((b) => b.annotationId)).toEqual(['ann-1', 'ann-2']);
  });
});
