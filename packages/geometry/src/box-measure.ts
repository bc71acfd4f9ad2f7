import { resolvePixelSpacing } from './image-frame';
import { assertPixelBox } from './pixel-box';
import type { ImagePlane, PixelBox, SliceIndexFallback } from './types';

type SpacingSource = Pick<ImagePlane, 'pixelSpacing'>;

/** Width and height of a pixel box in mm. */
export interface BoxSizeMm {
  fallback: null;
  widthMm: number;
  heightMm: number;
}

/**
 * Width (columns × column spacing) and height (rows × row spacing) of a pixel box, mm. Without
 * PixelSpacing, returns the size in pixels with `fallback: 'slice-index'` and the reason.
 */
export function boxSizeMm(
  plane: SpacingSource,
  box: PixelBox,
): BoxSizeMm | (SliceIndexFallback & { widthPx: number; heightPx: number }) {
  assertPixelBox(box);
  const spacing = resolvePixelSpacing(plane.pixelSpacing);
  if (!spacing.ok) {
    return { fallback: 'slice-index', reason: spacing.reason, widthPx: box.width, heightPx: box.height };
  }
  const { columnSpacing, rowSpacing } = spacing.value;
  return { fallback: null, widthMm: box.width * columnSpacing, heightMm: box.height * rowSpacing };
}

/**
 * Area of a pixel box, mm². Without PixelSpacing, returns the area in pixels with
 * `fallback: 'slice-index'` and the reason.
 */
export function boxAreaMm2(
  plane: SpacingSource,
  box: PixelBox,
): { fallback: null; areaMm2: number } | (SliceIndexFallback & { areaPx: number }) {
  const size = boxSizeMm(plane, box);
  if (size.fallback !== null) {
    return { fallback: 'slice-index', reason: size.reason, areaPx: size.widthPx * size.heightPx };
  }
  return { fallback: null, areaMm2: size.widthMm * size.heightMm };
}
