import type { Annotation } from '@readingroom/model';
import type { AgreementBox, Region, SourceRef } from './types';

/** A model annotation, possibly a consensus one carrying `sources` (see docs/reading-sessions.md). */
export type AnnotationLike = Annotation & { readonly sources?: readonly SourceRef[] };

export interface AnnotationToBoxOptions {
  /**
   * Whose read this is: the owner of the reader document `r/<userId>` in a blinded session.
   * Default: the annotation's `author` (open sessions, where reads share one document).
   */
  readonly readerId?: string;
}

/** The agreement view of an annotation's geometry. */
export function regionOf(a: Annotation): Region {
  const { x, y, width, height } = a.geometry;
  if (a.kind === 'box2d') return { kind: 'box2d', sopInstanceUid: a.sopInstanceUid, frameIndex: a.frameIndex, x, y, width, height };
  const { firstSliceIndex, lastSliceIndex } = a.geometry;
  return { kind: 'box3d', seriesInstanceUid: a.seriesInstanceUid, x, y, width, height, firstSliceIndex, lastSliceIndex };
}

/**
 * Converts a model annotation into an {@link AgreementBox}: score = `attributes.confidence`
 * (default 1), `sources` kept when present. Null for a deleted (tombstoned) annotation.
 */
export function annotationToBox(a: AnnotationLike, options: AnnotationToBoxOptions = {}): AgreementBox | null {
  if (a.deleted) return null;
  return {
    readerId: options.readerId ?? a.author,
    annotationId: a.id,
    label: a.label,
    score: a.attributes.confidence ?? 1,
    region: regionOf(a),
    studyInstanceUid: a.studyInstanceUid,
    ...(a.sources ? { sources: a.sources.map((s) => ({ readerId: s.readerId, annotationId: s.annotationId })) } : {}),
  };
}

/** {@link annotationToBox} over a list, dropping deleted annotations. */
export function annotationsToBoxes(list: Iterable<AnnotationLike>, options: AnnotationToBoxOptions = {}): AgreementBox[] {
  const out: AgreementBox[] = [];
  for (const a of list) {
    const box = annotationToBox(a, options);
    if (box) out.push(box);
  }
  return out;
}
