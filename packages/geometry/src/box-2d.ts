import { resolveImageFrame } from './image-frame';
import { frameToPatient, patientToFrame } from './image-to-patient';
import { assertPixelBox, boundingPixelBox, pixelBoxCorners } from './pixel-box';
import type { ImagePlane, ImagePoint, PixelBox, SliceIndexFallback, Vec3 } from './types';

/** Four patient points: top-left, top-right, bottom-right, bottom-left of the image box. */
export type PatientQuad = readonly [Vec3, Vec3, Vec3, Vec3];

/** A 2D box placed in patient space. */
export interface PatientBox2d {
  fallback: null;
  corners: PatientQuad;
  centre: Vec3;
}

/** A 2D box left in pixel units because the plane has no usable geometry. */
export interface PixelBox2dFallback extends SliceIndexFallback {
  box: PixelBox;
}

/**
 * Places a pixel box (x = column, y = row of its top-left corner; (0, 0) is the centre of the
 * first pixel) in patient space: its four corners (top-left, top-right, bottom-right,
 * bottom-left) and centre, LPS mm. Without IPP, IOP or PixelSpacing, returns the box unchanged
 * with `fallback: 'slice-index'` and the reason. Throws RangeError for a malformed box.
 */
export function box2dToPatient(plane: ImagePlane, box: PixelBox): PatientBox2d | PixelBox2dFallback {
  assertPixelBox(box);
  const frame = resolveImageFrame(plane);
  if (!frame.ok) return { fallback: 'slice-index', reason: frame.reason, box: { ...box } };
  const toPatient = (point: ImagePoint) => frameToPatient(frame.value, point);
  const [topLeft, topRight, bottomRight, bottomLeft] = pixelBoxCorners(box);
  return {
    fallback: null,
    corners: [toPatient(topLeft), toPatient(topRight), toPatient(bottomRight), toPatient(bottomLeft)],
    centre: toPatient({ column: box.x + box.width / 2, row: box.y + box.height / 2 }),
  };
}

/** A pixel box recovered from patient points. */
export interface PixelBoxFromPatient {
  fallback: null;
  box: PixelBox;
  /** Largest absolute distance of a point from the plane, mm (0 for points on the slice). */
  maxDistanceFromPlaneMm: number;
}

/**
 * Projects patient points (typically the corners from {@link box2dToPatient}) onto the plane
 * and returns the axis-aligned pixel box containing them, plus how far off the plane they lay.
 * Exact inverse of {@link box2dToPatient} up to floating-point rounding. Without geometry,
 * returns a {@link SliceIndexFallback}, since patient points cannot be placed on the image.
 */
export function patientToBox2d(plane: ImagePlane, corners: readonly Vec3[]): PixelBoxFromPatient | SliceIndexFallback {
  const frame = resolveImageFrame(plane);
  if (!frame.ok) return { fallback: 'slice-index', reason: frame.reason };
  const projected = corners.map((corner) => patientToFrame(frame.value, corner));
  return {
    fallback: null,
    box: boundingPixelBox(projected),
    maxDistanceFromPlaneMm: Math.max(0, ...projected.map((p) => Math.abs(p.distanceFromPlaneMm))),
  };
}
