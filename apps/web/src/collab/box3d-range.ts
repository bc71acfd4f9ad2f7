import type { Box3dGeometry } from '@readingroom/model';

/** What a 3D box's slice range needs to know about an image of the stack. */
export interface RangeImage {
  readonly sopInstanceUid: string;
}

/** First and last stack index of a 3D box (inclusive), first <= last. */
export interface SliceRange {
  readonly first: number;
  readonly last: number;
}

/** Dash pattern of a 3D box between its key (first and last) slices; solid on the key slices. */
export const BETWEEN_KEY_SLICES_DASH = '6,4';

/**
 * Where a 3D box lies in the shown stack. The end slices are found by SOP Instance UID first
 * (the range survives a different slice sort), by the stored index otherwise (and between the
 * frames of one multi-frame instance). Null when neither
 * end can be placed in this stack.
 */
export function sliceRangeOf(geometry: Box3dGeometry, images: readonly RangeImage[]): SliceRange | null {
  const place = (uid: string, index: number) => {
    // Frames of one multi-frame instance share its UID: the stored index decides between them.
    if (images[index]?.sopInstanceUid === uid) return index;
    const found = images.findIndex((image) => image.sopInstanceUid === uid);
    if (found >= 0) return found;
    return index < images.length ? index : -1;
  };
  const a = place(geometry.firstSopInstanceUid, geometry.firstSliceIndex);
  const b = place(geometry.lastSopInstanceUid, geometry.lastSliceIndex);
  if (a < 0 || b < 0) return null;
  return { first: Math.min(a, b), last: Math.max(a, b) };
}

/**
 * The geometry with its first (or last) slice moved to stack index `index`; the other end
 * follows when it would otherwise be crossed, so the range always stays valid.
 */
export function withSliceEnd(geometry: Box3dGeometry, end: 'first' | 'last', index: number, images: readonly RangeImage[]): Box3dGeometry {
  const current = sliceRangeOf(geometry, images) ?? { first: geometry.firstSliceIndex, last: geometry.lastSliceIndex };
  const first = end === 'first' ? index : Math.min(current.first, index);
  const last = end === 'last' ? index : Math.max(current.last, index);
  const uid = (i: number) => {
    const image = images[i];
    if (!image) throw new RangeError(`no slice ${i} in a stack of ${images.length}`);
    return image.sopInstanceUid;
  };
  return { ...geometry, firstSliceIndex: first, lastSliceIndex: last, firstSopInstanceUid: uid(first), lastSopInstanceUid: uid(last) };
}

/** The geometry of a new one-slice 3D box on stack index `index`. */
export function oneSliceGeometry(rect: { x: number; y: number; width: number; height: number }, index: number, images: readonly RangeImage[]): Box3dGeometry {
  const uid = images[index]?.sopInstanceUid;
  if (!uid) throw new RangeError(`no slice ${index} in a stack of ${images.length}`);
  return { ...rect, firstSliceIndex: index, lastSliceIndex: index, firstSopInstanceUid: uid, lastSopInstanceUid: uid };
}

/** The line dash of a 3D box seen on stack index `index`: solid on its key slices, dashed between. */
export function dashOn(range: SliceRange, index: number): string {
  return index === range.first || index === range.last ? '' : BETWEEN_KEY_SLICES_DASH;
}

/** The 3D box moved in plane to `rect`, on the same slices (a stale patient-space extent is dropped). */
export function withRect(geometry: Box3dGeometry, rect: { x: number; y: number; width: number; height: number }): Box3dGeometry {
  const { firstSliceIndex, lastSliceIndex, firstSopInstanceUid, lastSopInstanceUid } = geometry;
  return { x: rect.x, y: rect.y, width: rect.width, height: rect.height, firstSliceIndex, lastSliceIndex, firstSopInstanceUid, lastSopInstanceUid };
}
