import type { ImagePlane, Vec3 } from './types';
import { cross, dot, length, normalize, scale, subtract } from './vector';

/** How far ImageOrientationPatient may be from orthonormal (unit lengths, zero dot product). */
export const ORTHONORMAL_TOLERANCE = 1e-3;

/** The orthonormal direction cosines of an image: row, column and slice normal. */
export interface ImageAxes {
  /** Direction of increasing column index (first three values of IOP). */
  rowDirection: Vec3;
  /** Direction of increasing row index (last three values of IOP). */
  columnDirection: Vec3;
  /** rowDirection × columnDirection. */
  normal: Vec3;
}

/** Everything needed to map image coordinates to patient coordinates and back. */
export interface ImageFrame extends ImageAxes {
  /** ImagePositionPatient: centre of pixel (column 0, row 0), mm. */
  origin: Vec3;
  /** Distance between adjacent columns, mm (PixelSpacing[1]). */
  columnSpacing: number;
  /** Distance between adjacent rows, mm (PixelSpacing[0]). */
  rowSpacing: number;
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; reason: string };

function allFinite(values: readonly number[]): boolean {
  return values.every((v) => Number.isFinite(v));
}

/**
 * Validates ImageOrientationPatient and returns an exactly orthonormal basis. The column
 * direction is made orthogonal to the row direction (Gram-Schmidt) so that image → patient and
 * patient → image are exact inverses; IOP further than {@link ORTHONORMAL_TOLERANCE} from
 * orthonormal is rejected with a reason instead.
 */
export function resolveImageAxes(iop: ImagePlane['imageOrientationPatient']): Resolved<ImageAxes> {
  if (iop === null) return { ok: false, reason: 'ImageOrientationPatient is missing' };
  if (iop.length !== 6 || !allFinite(iop)) {
    return { ok: false, reason: 'ImageOrientationPatient does not hold six finite numbers' };
  }
  const row: Vec3 = [iop[0], iop[1], iop[2]];
  const column: Vec3 = [iop[3], iop[4], iop[5]];
  const rowError = Math.abs(length(row) - 1);
  const columnError = Math.abs(length(column) - 1);
  const skew = Math.abs(dot(row, column));
  if (rowError > ORTHONORMAL_TOLERANCE || columnError > ORTHONORMAL_TOLERANCE || skew > ORTHONORMAL_TOLERANCE) {
    return {
      ok: false,
      reason:
        `ImageOrientationPatient is not orthonormal (|row|-1=${rowError.toExponential(2)}, ` +
        `|column|-1=${columnError.toExponential(2)}, row·column=${skew.toExponential(2)})`,
    };
  }
  const rowDirection = normalize(row);
  const columnDirection = rowDirection && normalize(subtract(column, scale(rowDirection, dot(column, rowDirection))));
  if (rowDirection === null || columnDirection === null) {
    return { ok: false, reason: 'ImageOrientationPatient has a zero direction cosine' };
  }
  return { ok: true, value: { rowDirection, columnDirection, normal: cross(rowDirection, columnDirection) } };
}

/** Validates PixelSpacing: two finite, positive numbers. */
export function resolvePixelSpacing(
  pixelSpacing: ImagePlane['pixelSpacing'],
): Resolved<{ rowSpacing: number; columnSpacing: number }> {
  if (pixelSpacing === null) return { ok: false, reason: 'PixelSpacing is missing' };
  const [rowSpacing, columnSpacing] = pixelSpacing;
  if (pixelSpacing.length !== 2 || !allFinite(pixelSpacing) || rowSpacing <= 0 || columnSpacing <= 0) {
    return { ok: false, reason: 'PixelSpacing does not hold two positive numbers' };
  }
  return { ok: true, value: { rowSpacing, columnSpacing } };
}

/** Validates ImagePositionPatient: three finite numbers. */
export function resolveImagePosition(ipp: ImagePlane['imagePositionPatient']): Resolved<Vec3> {
  if (ipp === null) return { ok: false, reason: 'ImagePositionPatient is missing' };
  if (ipp.length !== 3 || !allFinite(ipp)) {
    return { ok: false, reason: 'ImagePositionPatient does not hold three finite numbers' };
  }
  return { ok: true, value: [ipp[0], ipp[1], ipp[2]] };
}

/**
 * Everything needed to place the plane in patient space, or the reason it cannot be: a missing
 * or malformed ImagePositionPatient, ImageOrientationPatient or PixelSpacing.
 */
export function resolveImageFrame(plane: ImagePlane): Resolved<ImageFrame> {
  const origin = resolveImagePosition(plane.imagePositionPatient);
  if (!origin.ok) return origin;
  const axes = resolveImageAxes(plane.imageOrientationPatient);
  if (!axes.ok) return axes;
  const spacing = resolvePixelSpacing(plane.pixelSpacing);
  if (!spacing.ok) return spacing;
  return { ok: true, value: { origin: origin.value, ...axes.value, ...spacing.value } };
}

/** Thrown by the low-level transforms when a plane lacks the geometry they need. */
export class GeometryUnavailableError extends Error {
  readonly code = 'geometry-unavailable';
  constructor(readonly reason: string) {
    super(`Patient geometry unavailable: ${reason}`);
    this.name = 'GeometryUnavailableError';
  }
}

/** {@link resolveImageFrame}, throwing {@link GeometryUnavailableError} when it fails. */
export function requireImageFrame(plane: ImagePlane): ImageFrame {
  const frame = resolveImageFrame(plane);
  if (!frame.ok) throw new GeometryUnavailableError(frame.reason);
  return frame.value;
}
