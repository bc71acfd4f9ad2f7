import { frameToPatient, patientToFrame, pixelBoxCorners, resolveImageFrame, type ImagePlane, type Resolved } from '@readingroom/geometry';
import type { PixelRect } from '../prepare-export';
import type { ImageInfo } from '../types';

/** How far (mm) SCOORD3D points may lie off a slice's plane and still belong to it. */
export const PLANE_TOLERANCE_MM = 0.01;
/** How far (pixels) SCOORD corners may be from an axis-aligned rectangle (FL is 32-bit). */
export const RECTANGLE_TOLERANCE_PX = 1e-3;

/** The box as a closed 5-point POLYLINE in image coordinates (column, row pairs). */
export function rectPolyline(rect: PixelRect): number[] {
  const right = rect.x + rect.width;
  const bottom = rect.y + rect.height;
  return [rect.x, rect.y, right, rect.y, right, bottom, rect.x, bottom, rect.x, rect.y];
}

export function planeOf(image: ImageInfo): ImagePlane {
  return {
    imagePositionPatient: image.imagePositionPatient,
    imageOrientationPatient: image.imageOrientationPatient,
    pixelSpacing: image.pixelSpacing,
    rows: image.rows,
    columns: image.columns,
    sopInstanceUid: image.sopInstanceUid,
  };
}

/**
 * The box on one slice as a closed 5-point POLYGON in patient coordinates (LPS, mm), via the
 * slice's own ImagePositionPatient, ImageOrientationPatient and PixelSpacing. The study
 * document's pixel origin is the top-left corner of the top-left pixel; `@readingroom/geometry`
 * puts (0, 0) at that pixel's centre, hence the half-pixel shift.
 */
export function rectPolygon3d(rect: PixelRect, image: ImageInfo): Resolved<number[]> {
  const frame = resolveImageFrame(planeOf(image));
  if (!frame.ok) return frame;
  const corners = pixelBoxCorners({ x: rect.x - 0.5, y: rect.y - 0.5, width: rect.width, height: rect.height });
  const points = [...corners, corners[0]].map((corner) => frameToPatient(frame.value, corner));
  return { ok: true, value: points.flatMap((p) => [p[0], p[1], p[2]]) };
}

function rectangleOf(points: readonly (readonly [number, number])[]): PixelRect | null {
  if (points.length !== 5) return null;
  const [first, , , , last] = points;
  const close = (a: number, b: number) => Math.abs(a - b) <= RECTANGLE_TOLERANCE_PX;
  if (!first || !last || !close(first[0], last[0]) || !close(first[1], last[1])) return null;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  const right = Math.max(...xs);
  const bottom = Math.max(...ys);
  // Every corner on the rectangle's corners, and all four corners used.
  const corners = points.slice(0, 4).map(([px, py]) => `${close(px, x) ? 'l' : close(px, right) ? 'r' : '?'}${close(py, y) ? 't' : close(py, bottom) ? 'b' : '?'}`);
  if (new Set(corners).size !== 4 || corners.some((c) => c.includes('?'))) return null;
  return { x, y, width: right - x, height: bottom - y };
}

/** The rectangle of a closed 5-point POLYLINE; null when it is not an axis-aligned rectangle. */
export function rectOfPolyline(data: readonly number[]): PixelRect | null {
  if (data.length !== 10) return null;
  const points = [0, 1, 2, 3, 4].map((i) => [data[2 * i]!, data[2 * i + 1]!] as const);
  return rectangleOf(points);
}

/**
 * The slice a SCOORD3D POLYGON lies on (the candidate whose plane holds every point within
 * {@link PLANE_TOLERANCE_MM}) and the rectangle it draws there, in the study document's pixel
 * convention; null when no slice holds it or it is not an axis-aligned rectangle on it.
 */
export function rectOfPolygon3d(data: readonly number[], candidates: readonly ImageInfo[]): { image: ImageInfo; rect: PixelRect } | null {
  if (data.length !== 15) return null;
  const points = [0, 1, 2, 3, 4].map((i) => [data[3 * i]!, data[3 * i + 1]!, data[3 * i + 2]!] as const);
  let best: { image: ImageInfo; rect: PixelRect; distance: number } | null = null;
  for (const image of candidates) {
    const frame = resolveImageFrame(planeOf(image));
    if (!frame.ok) continue;
    const projected = points.map((p) => patientToFrame(frame.value, p));
    const distance = Math.max(...projected.map((p) => Math.abs(p.distanceFromPlaneMm)));
    if (distance > PLANE_TOLERANCE_MM || (best !== null && distance >= best.distance)) continue;
    const rect = rectangleOf(projected.map((p) => [p.column + 0.5, p.row + 0.5] as const));
    if (rect !== null) best = { image, rect, distance };
  }
  return best && { image: best.image, rect: best.rect };
}
