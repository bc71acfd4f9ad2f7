import { requireImageFrame, type ImageFrame } from './image-frame';
import type { ImagePlane, ImagePoint, Vec3 } from './types';
import { add, dot, scale, subtract } from './vector';

/** Image → patient for an already resolved frame; see {@link imageToPatient}. */
export function frameToPatient(frame: ImageFrame, point: ImagePoint): Vec3 {
  return add(
    frame.origin,
    add(
      scale(frame.rowDirection, point.column * frame.columnSpacing),
      scale(frame.columnDirection, point.row * frame.rowSpacing),
    ),
  );
}

/** A patient point expressed in an image's coordinates, with its signed distance off the plane. */
export interface ProjectedPoint extends ImagePoint {
  /** Signed distance along the slice normal (row × column direction), mm. */
  distanceFromPlaneMm: number;
}

/** Patient → image for an already resolved frame; see {@link patientToImage}. */
export function patientToFrame(frame: ImageFrame, point: Vec3): ProjectedPoint {
  const offset = subtract(point, frame.origin);
  return {
    column: dot(offset, frame.rowDirection) / frame.columnSpacing,
    row: dot(offset, frame.columnDirection) / frame.rowSpacing,
    distanceFromPlaneMm: dot(offset, frame.normal),
  };
}

/**
 * Maps a (continuous) pixel position to patient coordinates (LPS, mm), per DICOM PS3.3
 * C.7.6.2.1.1: P = IPP + column·Δcolumn·rowDirection + row·Δrow·columnDirection, where the row
 * direction is the first half of ImageOrientationPatient and Δcolumn is PixelSpacing[1].
 * Throws {@link GeometryUnavailableError} when the plane lacks IPP, IOP or PixelSpacing.
 */
export function imageToPatient(plane: ImagePlane, point: ImagePoint): Vec3 {
  return frameToPatient(requireImageFrame(plane), point);
}

/**
 * The exact inverse of {@link imageToPatient}: projects a patient point onto the plane's
 * orthonormal basis, giving its pixel position and its signed distance from the plane.
 * Throws {@link GeometryUnavailableError} when the plane lacks IPP, IOP or PixelSpacing.
 */
export function patientToImage(plane: ImagePlane, point: Vec3): ProjectedPoint {
  return patientToFrame(requireImageFrame(plane), point);
}
