import type { Annotation, Box3dGeometry } from '@readingroom/model';
import { sliceRangeOf, type RangeImage } from '../collab/box3d-range';

/** Where a box lies: one image (frame), or a slice range of a series. */
export type OverlayPlace =
  | { readonly kind: 'box2d'; readonly seriesInstanceUid: string; readonly sopInstanceUid: string; readonly frameIndex: number }
  | { readonly kind: 'box3d'; readonly seriesInstanceUid: string; readonly geometry: Box3dGeometry };

/**
 * A box drawn over the image but not through cornerstone: another reader's box, a fused
 * proposal. Never editable; drawn in an SVG layer above the viewport.
 */
export interface OverlayBox {
  /** Unique among the boxes drawn together. */
  readonly id: string;
  /** Which layer it belongs to (a reader id, `proposal`, `consensus`). */
  readonly layer: string;
  readonly colour: string;
  readonly caption: string;
  /** Where the caption goes: above the box (reader boxes, shifted right by `captionSlot`) or below. */
  readonly captionAbove: boolean;
  /** Readers' captions of boxes drawn close together would overlap: each reader has a slot. */
  readonly captionSlot: number;
  readonly dashed: boolean;
  /** Drawn thicker (the cluster being adjudicated). */
  readonly emphasis: boolean;
  readonly place: OverlayPlace;
  readonly rect: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

/** The image of the stack a box is found on, as the overlay needs to know it. */
export interface OverlayImage extends RangeImage {
  readonly frame: number;
}

/** Where an annotation lies (its place for the overlay). */
export function placeOf(box: Annotation): OverlayPlace {
  return box.kind === 'box2d'
    ? { kind: 'box2d', seriesInstanceUid: box.seriesInstanceUid, sopInstanceUid: box.sopInstanceUid, frameIndex: box.frameIndex }
    : { kind: 'box3d', seriesInstanceUid: box.seriesInstanceUid, geometry: box.geometry };
}

/** Whether `place` shows on stack index `index` of series `seriesUid` (`images` in stack order). */
export function isOnImage(place: OverlayPlace, seriesUid: string | undefined, images: readonly OverlayImage[], index: number): boolean {
  if (place.seriesInstanceUid !== seriesUid) return false;
  const image = images[index];
  if (!image) return false;
  if (place.kind === 'box2d') return image.sopInstanceUid === place.sopInstanceUid && image.frame === place.frameIndex + 1;
  const range = sliceRangeOf(place.geometry, images);
  return range !== null && range.first <= index && index <= range.last;
}

/** The stack index to show `place` on (its image, or the first slice of its range); null when not in this stack. */
export function indexOfPlace(place: OverlayPlace, images: readonly OverlayImage[]): number | null {
  if (place.kind === 'box3d') return sliceRangeOf(place.geometry, images)?.first ?? null;
  const index = images.findIndex((i) => i.sopInstanceUid === place.sopInstanceUid && i.frame === place.frameIndex + 1);
  return index < 0 ? null : index;
}
