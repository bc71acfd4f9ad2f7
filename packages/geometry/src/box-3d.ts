import { frameToPatient, patientToFrame } from './image-to-patient';
import { assertPixelBox, pixelBoxCorners } from './pixel-box';
import { nearestSliceIndex, originAt, type SeriesGeometry } from './series-geometry';
import type { PixelBox3d, SliceIndexFallback, Vec3 } from './types';
import { add, dot, scale } from './vector';

export interface AxisRange {
  min: number;
  max: number;
}

/**
 * A box in patient space, axis-aligned in a slice frame: ranges of the coordinates dot(P, axis)
 * for the three unit axes, mm. Carrying its axes, it can be mapped onto any series.
 */
export interface SliceFrameExtent {
  axes: { rowDirection: Vec3; columnDirection: Vec3; normal: Vec3 };
  alongRowDirection: AxisRange;
  alongColumnDirection: AxisRange;
  alongNormal: AxisRange;
}

/** A 3D box placed in patient space. */
export interface PatientBox3d {
  fallback: null;
  /** The first slice's four corners, then the last slice's (each top-left, top-right, bottom-right, bottom-left). */
  corners: readonly Vec3[];
  extent: SliceFrameExtent;
  centre: Vec3;
  sizeMm: { alongRowDirection: number; alongColumnDirection: number; alongNormal: number };
}

/** A 3D box left in pixels and slice indices because the series has no usable geometry. */
export interface SliceIndexBox3d extends SliceIndexFallback {
  box: PixelBox3d;
  centre: { column: number; row: number; sliceIndex: number };
  size: { columns: number; rows: number; slices: number };
}

function assertSliceRange(series: SeriesGeometry, box: PixelBox3d): void {
  const { firstSliceIndex: first, lastSliceIndex: last } = box;
  const count = series.slices.length;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last >= count || first > last) {
    throw new RangeError(`slice range ${first}..${last} is not an ordered range within 0..${count - 1}`);
  }
}

function range(values: readonly number[]): AxisRange {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Places a pixel box extruded over an inclusive slice range (indices in sorted series order)
 * in patient space: eight corners, the extent in the series' slice frame, centre and size, mm.
 * Along the normal the box runs from the first to the last slice's centre plane, so a
 * single-slice box has zero depth. For a series without geometry, returns the box in pixels
 * and slice indices with `fallback: 'slice-index'` and the reason. Throws RangeError for a
 * malformed box or a slice range outside the series.
 */
export function box3dToPatient(series: SeriesGeometry, box: PixelBox3d): PatientBox3d | SliceIndexBox3d {
  assertPixelBox(box);
  assertSliceRange(series, box);
  if (series.fallback !== null) {
    return {
      fallback: 'slice-index',
      reason: series.reason,
      box: { ...box },
      centre: {
        column: box.x + box.width / 2,
        row: box.y + box.height / 2,
        sliceIndex: (box.firstSliceIndex + box.lastSliceIndex) / 2,
      },
      size: { columns: box.width, rows: box.height, slices: box.lastSliceIndex - box.firstSliceIndex + 1 },
    };
  }
  const { frame } = series;
  const corners = [box.firstSliceIndex, box.lastSliceIndex].flatMap((sliceIndex) => {
    const sliceFrame = { ...frame, origin: originAt(series, sliceIndex) };
    return pixelBoxCorners(box).map((corner) => frameToPatient(sliceFrame, corner));
  });
  const axes = { rowDirection: frame.rowDirection, columnDirection: frame.columnDirection, normal: frame.normal };
  const extent: SliceFrameExtent = {
    axes,
    alongRowDirection: range(corners.map((c) => dot(c, axes.rowDirection))),
    alongColumnDirection: range(corners.map((c) => dot(c, axes.columnDirection))),
    alongNormal: range(corners.map((c) => dot(c, axes.normal))),
  };
  return { fallback: null, corners, extent, centre: extentPoint(extent, 0.5, 0.5, 0.5), sizeMm: extentSize(extent) };
}

/** The point at fractions (0 = min, 1 = max) of the extent along each axis. */
function extentPoint(extent: SliceFrameExtent, fRow: number, fColumn: number, fNormal: number): Vec3 {
  const along = (r: AxisRange, f: number) => r.min + (r.max - r.min) * f;
  return add(
    scale(extent.axes.rowDirection, along(extent.alongRowDirection, fRow)),
    add(
      scale(extent.axes.columnDirection, along(extent.alongColumnDirection, fColumn)),
      scale(extent.axes.normal, along(extent.alongNormal, fNormal)),
    ),
  );
}

function extentSize(extent: SliceFrameExtent): PatientBox3d['sizeMm'] {
  const size = (r: AxisRange) => r.max - r.min;
  return {
    alongRowDirection: size(extent.alongRowDirection),
    alongColumnDirection: size(extent.alongColumnDirection),
    alongNormal: size(extent.alongNormal),
  };
}

/** A pixel box and slice range recovered from a patient-space extent. */
export interface PixelBox3dFromPatient {
  fallback: null;
  box: PixelBox3d;
}

/**
 * Maps a patient-space extent (from {@link box3dToPatient}, possibly of another series) back
 * onto this series: the pixel box containing its eight corners projected on the slices, and
 * the slices nearest its two ends along the normal. The exact inverse of
 * {@link box3dToPatient} on the same series, up to floating-point rounding. For a series
 * without geometry, returns a {@link SliceIndexFallback}.
 */
export function patientToBox3d(
  series: SeriesGeometry,
  extent: SliceFrameExtent,
): PixelBox3dFromPatient | SliceIndexFallback {
  if (series.fallback !== null) return { fallback: 'slice-index', reason: series.reason };
  const ends = [0, 1];
  const corners = ends.flatMap((fRow) =>
    ends.flatMap((fColumn) => ends.map((fNormal) => extentPoint(extent, fRow, fColumn, fNormal))),
  );
  const projected = corners.map((corner) => patientToFrame(series.frame, corner));
  const columns = range(projected.map((p) => p.column));
  const rows = range(projected.map((p) => p.row));
  const normal = range(corners.map((corner) => dot(corner, series.frame.normal)));
  const firstSliceIndex = nearestSliceIndex(series.positionsMm, normal.min);
  const lastSliceIndex = nearestSliceIndex(series.positionsMm, normal.max);
  return {
    fallback: null,
    box: {
      x: columns.min,
      y: rows.min,
      width: columns.max - columns.min,
      height: rows.max - rows.min,
      firstSliceIndex,
      lastSliceIndex,
    },
  };
}
