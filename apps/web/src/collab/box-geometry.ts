import type { Box2dGeometry } from '@readingroom/model';

export type ImagePoint = readonly [number, number];

/** Smallest box side kept, in image pixels: a click without a drag is not a finding. */
export const MIN_BOX_SIDE = 1;

/**
 * The axis-aligned box spanned by image points, clipped to the image (the server refuses
 * geometry outside it) and rounded to 1/100 pixel so that a box read back compares equal.
 * Null when less than MIN_BOX_SIDE remains on either side.
 */
export function boxFromImagePoints(points: readonly ImagePoint[], columns: number, rows: number): Box2dGeometry | null {
  const xs = points.map((p) => clamp(p[0], 0, columns));
  const ys = points.map((p) => clamp(p[1], 0, rows));
  const x = round(Math.min(...xs));
  const y = round(Math.min(...ys));
  const width = round(Math.max(...xs) - x);
  const height = round(Math.max(...ys) - y);
  if (!(width >= MIN_BOX_SIDE && height >= MIN_BOX_SIDE)) return null;
  return { x, y, width, height };
}

/** Corners in cornerstone's RectangleROI handle order: top-left, top-right, bottom-left, bottom-right. */
export function cornersOf(box: Pick<Box2dGeometry, 'x' | 'y' | 'width' | 'height'>): ImagePoint[] {
  const { x, y, width, height } = box;
  return [
    [x, y],
    [x + width, y],
    [x, y + height],
    [x + width, y + height],
  ];
}

export function sameBox(a: Pick<Box2dGeometry, 'x' | 'y' | 'width' | 'height'>, b: Pick<Box2dGeometry, 'x' | 'y' | 'width' | 'height'>): boolean {
  const close = (p: number, q: number) => Math.abs(p - q) < 0.011;
  return close(a.x, b.x) && close(a.y, b.y) && close(a.width, b.width) && close(a.height, b.height);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round = (v: number) => Math.round(v * 100) / 100;
