/** A rectangle on one image (frame): the agreement view of a `box2d` annotation. */
export interface Region2d {
  readonly kind: 'box2d';
  readonly sopInstanceUid: string;
  readonly frameIndex: number;
  /** Top-left corner and size in image pixels, as in the model's geometry. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A rectangle repeated on slices `firstSliceIndex..lastSliceIndex` (inclusive) of one series. */
export interface Region3d {
  readonly kind: 'box3d';
  readonly seriesInstanceUid: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly firstSliceIndex: number;
  readonly lastSliceIndex: number;
}

export type Region = Region2d | Region3d;

/** Points at one reader annotation, as in a consensus annotation's `sources`. */
export interface SourceRef {
  readonly readerId: string;
  readonly annotationId: string;
}

/**
 * One box as the agreement maths sees it. `score` is the confidence used as a weight (the
 * model's `attributes.confidence`, 1..5, default 1). Consensus boxes may carry `sources`.
 */
export interface AgreementBox {
  readonly readerId: string;
  readonly annotationId: string;
  readonly label: string;
  readonly score: number;
  readonly region: Region;
  readonly studyInstanceUid?: string;
  readonly sources?: readonly SourceRef[];
}

/** `${readerId}:${annotationId}`, the key of a reader box (same as the consensus `rejections` map). */
export function sourceKey(ref: SourceRef): string {
  return `${ref.readerId}:${ref.annotationId}`;
}

/** Code-unit string order: deterministic, independent of the locale (unlike localeCompare). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical order of boxes: reader, then annotation id. */
export function compareBoxes(a: AgreementBox, b: AgreementBox): number {
  return compareStrings(a.readerId, b.readerId) || compareStrings(a.annotationId, b.annotationId);
}
