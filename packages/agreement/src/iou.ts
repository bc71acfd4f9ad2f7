import type { Region } from './types';

/** Group key of one image (frame): 2D boxes are only compared with boxes of the same key. */
export function imageGroupKey(sopInstanceUid: string, frameIndex: number): string {
  return `${sopInstanceUid}:${frameIndex}`;
}

/** Group key of a series for 3D boxes. DICOM UIDs never contain ':', so it cannot clash with an image key. */
export function seriesGroupKey(seriesInstanceUid: string): string {
  return `series:${seriesInstanceUid}`;
}

/** The group a region is compared within: its image for a 2D box, its series for a 3D box. */
export function groupKey(region: Region): string {
  return region.kind === 'box2d'
    ? imageGroupKey(region.sopInstanceUid, region.frameIndex)
    : seriesGroupKey(region.seriesInstanceUid);
}

/** Length of the overlap of [a1, a2) and [b1, b2), 0 when disjoint. */
function overlap(a1: number, a2: number, b1: number, b2: number): number {
  return Math.max(0, Math.min(a2, b2) - Math.max(a1, b1));
}

/**
 * Intersection over union of two regions, in [0, 1]; 0 when they are of different kinds or groups.
 * 2D: areas of the pixel rectangles [x, x+width) × [y, y+height). 3D: voxel volumes, with the
 * slice range inclusive, i.e. depth = last - first + 1. Sizes are computed from the corner
 * coordinates so that identical boxes give exactly 1 and iou(a, b) === iou(b, a).
 */
export function iou(a: Region, b: Region): number {
  let inter: number;
  let volA: number;
  let volB: number;
  const ax2 = a.x + a.width;
  const ay2 = a.y + a.height;
  const bx2 = b.x + b.width;
  const by2 = b.y + b.height;
  const ix = overlap(a.x, ax2, b.x, bx2);
  const iy = overlap(a.y, ay2, b.y, by2);
  if (a.kind === 'box2d') {
    if (b.kind !== 'box2d' || a.sopInstanceUid !== b.sopInstanceUid || a.frameIndex !== b.frameIndex) return 0;
    inter = ix * iy;
    volA = (ax2 - a.x) * (ay2 - a.y);
    volB = (bx2 - b.x) * (by2 - b.y);
  } else {
    if (b.kind !== 'box3d' || a.seriesInstanceUid !== b.seriesInstanceUid) return 0;
    const az2 = a.lastSliceIndex + 1;
    const bz2 = b.lastSliceIndex + 1;
    const iz = overlap(a.firstSliceIndex, az2, b.firstSliceIndex, bz2);
    inter = ix * iy * iz;
    volA = (ax2 - a.x) * (ay2 - a.y) * (az2 - a.firstSliceIndex);
    volB = (bx2 - b.x) * (by2 - b.y) * (bz2 - b.firstSliceIndex);
  }
  const union = volA + volB - inter;
  if (!(inter > 0) || !(union > 0)) return 0;
  return Math.min(1, inter / union);
}
