import type { ImagePoint, PixelBox } from './types';

/** Throws RangeError unless the box has finite coordinates and a non-negative size. */
export function assertPixelBox(box: PixelBox): void {
  const { x, y, width, height } = box;
  if (![x, y, width, height].every((v) => Number.isFinite(v))) {
    throw new RangeError('box coordinates must be finite numbers');
  }
  if (width < 0 || height < 0) throw new RangeError('box width and height must not be negative');
}

/** The box's corners, clockwise on screen: top-left, top-right, bottom-right, bottom-left. */
export function pixelBoxCorners(box: PixelBox): [ImagePoint, ImagePoint, ImagePoint, ImagePoint] {
  const right = box.x + box.width;
  const bottom = box.y + box.height;
  return [
    { column: box.x, row: box.y },
    { column: right, row: box.y },
    { column: right, row: bottom },
    { column: box.x, row: bottom },
  ];
}

/** The smallest box containing the points (zero-sized at the origin for no points). */
export function boundingPixelBox(points: readonly ImagePoint[]): PixelBox {
  if (points.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  const columns = points.map((p) => p.column);
  const rows = points.map((p) => p.row);
  const x = Math.min(...columns);
  const y = Math.min(...rows);
  return { x, y, width: Math.max(...columns) - x, height: Math.max(...rows) - y };
}
