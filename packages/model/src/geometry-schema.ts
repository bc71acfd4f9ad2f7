import { z } from 'zod';
import { DicomUidSchema, FiniteSchema, IndexSchema, PositiveSchema } from './primitives';

const Vec3Schema = z.tuple([FiniteSchema, FiniteSchema, FiniteSchema]);

/**
 * Optional patient-space extent in millimetres, in the DICOM patient coordinate system (LPS):
 * the axis-aligned bounding box of the annotation, `min[i] <= max[i]`. Reserved for later use.
 */
export const PatientMmExtentSchema = z
  .strictObject({ min: Vec3Schema, max: Vec3Schema })
  .refine((e) => e.min.every((v, i) => v <= (e.max[i] ?? Number.NaN)), {
    message: 'patientMm.min must be <= patientMm.max on every axis',
  });

const rectShape = {
  /** Column of the top-left corner, in image pixels (fractions allowed). */
  x: FiniteSchema,
  /** Row of the top-left corner, in image pixels (fractions allowed). */
  y: FiniteSchema,
  /** Width in pixels, > 0. */
  width: PositiveSchema,
  /** Height in pixels, > 0. */
  height: PositiveSchema,
  patientMm: PatientMmExtentSchema.optional(),
};

/** Geometry of a `box2d`: a rectangle on one image (frame), in pixel units. Stored atomically. */
export const Box2dGeometrySchema = z.strictObject(rectShape);

/**
 * Geometry of a `box3d`: the same in-plane rectangle on every slice from `firstSliceIndex` to
 * `lastSliceIndex` (inclusive, 0-based, in the series' spatial order), with the SOP Instance UIDs
 * of the two end slices so the range survives a different slice sort. Stored atomically.
 */
export const Box3dGeometrySchema = z
  .strictObject({
    ...rectShape,
    firstSliceIndex: IndexSchema,
    lastSliceIndex: IndexSchema,
    firstSopInstanceUid: DicomUidSchema,
    lastSopInstanceUid: DicomUidSchema,
  })
  .superRefine((g, ctx) => {
    if (g.firstSliceIndex > g.lastSliceIndex) {
      ctx.addIssue({
        code: 'custom',
        path: ['lastSliceIndex'],
        message: 'firstSliceIndex must be <= lastSliceIndex',
      });
    }
    if (g.firstSliceIndex === g.lastSliceIndex && g.firstSopInstanceUid !== g.lastSopInstanceUid) {
      ctx.addIssue({
        code: 'custom',
        path: ['lastSopInstanceUid'],
        message: 'a one-slice box3d must have the same first and last SOP Instance UID',
      });
    }
  });

export type PatientMmExtent = z.infer<typeof PatientMmExtentSchema>;
export type Box2dGeometry = z.infer<typeof Box2dGeometrySchema>;
export type Box3dGeometry = z.infer<typeof Box3dGeometrySchema>;
export type BoxGeometry = Box2dGeometry | Box3dGeometry;
