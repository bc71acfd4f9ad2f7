import { at } from './checked-index';
import { resolveImageFrame, type ImageFrame } from './image-frame';
import { SliceIssueCode, sortSlices, type SliceOrder } from './sort-slices';
import type { ImagePlane, SliceIndexFallback, Vec3 } from './types';
import { add, dot, scale } from './vector';

/** Relative difference in PixelSpacing tolerated between slices of one series. */
export const PIXEL_SPACING_RELATIVE_TOLERANCE = 1e-4;

interface SeriesBase {
  /** The planes in sorted order; slice index i means slices[i]. */
  slices: ImagePlane[];
  /** The sort behind `slices`, with its method and warnings. */
  sort: SliceOrder;
}

/** A series whose slices form one regular stack in patient space. */
export interface PatientSeriesGeometry extends SeriesBase {
  fallback: null;
  /** The first sorted slice's frame; every slice shares its axes and pixel spacing. */
  frame: ImageFrame;
  /** Each slice's position along `frame.normal` (dot product of its IPP with the normal), mm. */
  positionsMm: number[];
}

/** A series without usable patient geometry: slices are addressed by index only. */
export interface SliceIndexSeriesGeometry extends SeriesBase, SliceIndexFallback {}

export type SeriesGeometry = PatientSeriesGeometry | SliceIndexSeriesGeometry;

/**
 * Sorts a series' planes (see {@link sortSlices}) and, when they form one stack with a shared
 * orientation, pixel spacing and image size and no in-plane drift, returns its patient-space
 * geometry. Otherwise returns a slice-index geometry whose `reason` says what was wrong.
 * Non-uniform spacing keeps patient geometry: each slice keeps its own position.
 */
export function buildSeriesGeometry(planes: readonly ImagePlane[]): SeriesGeometry {
  const sort = sortSlices(planes);
  const slices = sort.order.map((index) => at(planes, index));
  const fallback = (reason: string): SliceIndexSeriesGeometry => ({ fallback: 'slice-index', reason, slices, sort });

  if (sort.method !== 'normal' || sort.stack === null) return fallback(sort.warnings.join('; '));
  const sheared = sort.issues.find((issue) => issue.code === SliceIssueCode.ShearedStack);
  if (sheared !== undefined) return fallback(sheared.message);
  const frame = resolveImageFrame(at(slices, 0));
  if (!frame.ok) return fallback(`slice 0: ${frame.reason}`);

  const { rowSpacing, columnSpacing } = frame.value;
  const first = at(slices, 0);
  for (const [index, slice] of slices.entries()) {
    if (slice.rows !== first.rows || slice.columns !== first.columns) {
      const size = (plane: ImagePlane) => `${plane.columns}×${plane.rows}`;
      return fallback(`slice ${index} is ${size(slice)} pixels, slice 0 is ${size(first)}`);
    }
    const spacing = slice.pixelSpacing;
    if (spacing === null) return fallback(`slice ${index}: PixelSpacing is missing`);
    const differs = (a: number, b: number) => !(Math.abs(a - b) <= PIXEL_SPACING_RELATIVE_TOLERANCE * b);
    if (differs(spacing[0], rowSpacing) || differs(spacing[1], columnSpacing)) {
      return fallback(`slice ${index} has a different PixelSpacing from slice 0`);
    }
  }
  return { fallback: null, slices, sort, frame: frame.value, positionsMm: sort.stack.positionsMm };
}

/**
 * Patient position of the centre of pixel (0, 0) of the slice at `index` on the series' stack
 * (the first slice's origin moved along the normal to that slice's position), or null for a
 * slice-index series. Throws RangeError for an index outside the series.
 */
export function sliceOriginAt(series: SeriesGeometry, index: number): Vec3 | null {
  at(series.slices, index);
  return series.fallback === null ? originAt(series, index) : null;
}

/** Origin of slice `index` on a patient-space stack. */
export function originAt(series: PatientSeriesGeometry, index: number): Vec3 {
  const offset = at(series.positionsMm, index) - at(series.positionsMm, 0);
  return add(series.frame.origin, scale(series.frame.normal, offset));
}

/** Index of the slice whose position along the normal is nearest `positionMm` (first on ties). */
export function nearestSliceIndex(positionsMm: readonly number[], positionMm: number): number {
  let best = 0;
  positionsMm.forEach((position, index) => {
    if (Math.abs(position - positionMm) < Math.abs(at(positionsMm, best) - positionMm)) best = index;
  });
  return best;
}

/** The slice nearest a patient point, and the point's signed distance from that slice, mm. */
export interface SliceAtPoint {
  fallback: null;
  index: number;
  distanceMm: number;
}

/**
 * The index of the slice nearest a patient point (measured along the slice normal) and the
 * point's signed distance from it; a {@link SliceIndexFallback} for a series without geometry.
 */
export function sliceIndexAt(series: SeriesGeometry, point: Vec3): SliceAtPoint | SliceIndexFallback {
  if (series.fallback !== null) return { fallback: 'slice-index', reason: series.reason };
  const positionMm = dot(point, series.frame.normal);
  const index = nearestSliceIndex(series.positionsMm, positionMm);
  return { fallback: null, index, distanceMm: positionMm - at(series.positionsMm, index) };
}
