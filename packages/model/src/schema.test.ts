import { describe, expect, it } from 'vitest';
import { AnnotationSchema } from './annotation-schema';
import { Box2dGeometrySchema, Box3dGeometrySchema } from './geometry-schema';
import { CommentSchema, ImageStateSchema } from './study-state-schema';
import { rect, SERIES, slab, SOP, STUDY } from './test-support';

const valid2d = {
  id: 'a1',
  kind: 'box2d',
  studyInstanceUid: STUDY,
  seriesInstanceUid: SERIES,
  sopInstanceUid: SOP[0],
  geometry: rect,
  label: 'nodule',
  attributes: { confidence: 3, note: 'spiculated' },
  author: 'u1',
  createdBy: 'u1',
  createdAt: 1_700_000_000_000,
  updatedBy: 'u1',
  updatedAt: 1_700_000_000_000,
  deleted: false,
};

describe('annotation schema', () => {
  it('accepts a complete box2d and defaults frameIndex to 0', () => {
    const parsed = AnnotationSchema.parse(valid2d);
    expect(parsed.kind === 'box2d' && parsed.frameIndex).toBe(0);
  });

  it.each([0, 6, 2.5])('rejects confidence %s', (confidence) => {
    expect(AnnotationSchema.safeParse({ ...valid2d, attributes: { confidence } }).success).toBe(false);
  });

  it('accepts confidence 1 and 5', () => {
    for (const confidence of [1, 5]) {
      expect(AnnotationSchema.safeParse({ ...valid2d, attributes: { confidence } }).success).toBe(true);
    }
  });

  it('rejects an unknown kind', () => {
    expect(AnnotationSchema.safeParse({ ...valid2d, kind: 'polygon' }).success).toBe(false);
  });

  it('rejects a deleted annotation without deletedBy and deletedAt', () => {
    const result = AnnotationSchema.safeParse({ ...valid2d, deleted: true });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['deletedBy', 'deletedAt']);
  });

  it('rejects keys that are not part of the schema', () => {
    expect(AnnotationSchema.safeParse({ ...valid2d, colour: 'red' }).success).toBe(false);
  });

  it('rejects a box2d whose sopInstanceUid is not a DICOM UID', () => {
    expect(AnnotationSchema.safeParse({ ...valid2d, sopInstanceUid: 'abc' }).success).toBe(false);
  });
});

describe('geometry schemas', () => {
  it('rejects a negative or zero width and height', () => {
    expect(Box2dGeometrySchema.safeParse({ ...rect, width: -1 }).success).toBe(false);
    expect(Box2dGeometrySchema.safeParse({ ...rect, height: 0 }).success).toBe(false);
  });

  it('rejects NaN and infinite coordinates', () => {
    expect(Box2dGeometrySchema.safeParse({ ...rect, x: Number.NaN }).success).toBe(false);
    expect(Box2dGeometrySchema.safeParse({ ...rect, y: Number.POSITIVE_INFINITY }).success).toBe(false);
  });

  it('accepts fractional and negative top-left coordinates', () => {
    expect(Box2dGeometrySchema.safeParse({ ...rect, x: -0.5, y: 12.25 }).success).toBe(true);
  });

  it('rejects a box3d whose first slice is after its last slice', () => {
    const result = Box3dGeometrySchema.safeParse({ ...slab, firstSliceIndex: 3, lastSliceIndex: 1 });
    expect(result.success).toBe(false);
  });

  it('rejects a one-slice box3d with two different end SOP instances', () => {
    const result = Box3dGeometrySchema.safeParse({ ...slab, firstSliceIndex: 1, lastSliceIndex: 1 });
    expect(result.success).toBe(false);
  });

  it('accepts an optional patient-space extent and rejects an inverted one', () => {
    const patientMm = { min: [0, 0, 0], max: [10, 10, 5] };
    expect(Box3dGeometrySchema.safeParse({ ...slab, patientMm }).success).toBe(true);
    expect(Box3dGeometrySchema.safeParse({ ...slab, patientMm: { min: [0, 0, 6], max: [10, 10, 5] } }).success).toBe(false);
  });
});

describe('study state schemas', () => {
  const state = { level: 'series', studyInstanceUid: STUDY, seriesInstanceUid: SERIES, setBy: 'u1', setAt: 1 };

  it('requires a reason for an exclusion and forbids one for no finding', () => {
    expect(ImageStateSchema.safeParse({ ...state, status: 'excluded_poor_quality' }).success).toBe(false);
    expect(ImageStateSchema.safeParse({ ...state, status: 'excluded_poor_quality', reason: 'motion' }).success).toBe(true);
    expect(ImageStateSchema.safeParse({ ...state, status: 'no_finding', reason: 'x' }).success).toBe(false);
  });

  it('rejects a timestamp that is not integer epoch milliseconds', () => {
    expect(ImageStateSchema.safeParse({ ...state, status: 'no_finding', setAt: '2024-01-01T00:00:00Z' }).success).toBe(false);
    expect(ImageStateSchema.safeParse({ ...state, status: 'no_finding', setAt: 1.5 }).success).toBe(false);
  });

  it('rejects an empty comment and a deleted comment without deletedBy', () => {
    const comment = { id: 'c1', author: 'u1', text: 'look here', createdAt: 1, target: { type: 'study' } };
    expect(CommentSchema.safeParse(comment).success).toBe(true);
    expect(CommentSchema.safeParse({ ...comment, text: '' }).success).toBe(false);
    expect(CommentSchema.safeParse({ ...comment, deleted: true }).success).toBe(false);
  });
});
