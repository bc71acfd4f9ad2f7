import type { Annotation } from '@readingroom/model';
import { splitAnnotation } from '../annotation-record';
import type { PreparedExport } from '../prepare-export';
import type { ImageInfo, Warning } from '../types';
import { deterministicUid } from '../uid';
import { CODES, labelCode } from './sr-codes';
import { rectPolygon3d, rectPolyline } from './sr-geometry';
import { codeItem, container, imageRef, scoord3dItem, scoordItem, textItem, uidrefItem, type Item } from './sr-items';
import type { AnnotationRecord } from './sr-record';
import { asciiJson } from './sr-text';

type Entry = PreparedExport['annotations'][number];

/** The measurement group's JSON record: the annotation exactly as stored. */
export function annotationRecord(annotation: Annotation): AnnotationRecord {
  const parts = splitAnnotation(annotation);
  const g = annotation.geometry;
  return {
    type: 'annotation',
    version: 1,
    id: parts.id,
    kind: annotation.kind,
    label: annotation.label,
    author: parts.author,
    attributes: parts.attributes,
    ...(parts.sources !== undefined ? { sources: parts.sources } : {}),
    meta: parts.meta,
    ...(Object.keys(parts.geometryExtra).length > 0 ? { geometryExtra: parts.geometryExtra } : {}),
    studyInstanceUid: annotation.studyInstanceUid,
    seriesInstanceUid: annotation.seriesInstanceUid,
    ...(annotation.kind === 'box2d' ? { sopInstanceUid: annotation.sopInstanceUid, frameIndex: annotation.frameIndex } : {}),
    geometry:
      annotation.kind === 'box2d'
        ? { x: g.x, y: g.y, width: g.width, height: g.height }
        : {
            x: g.x,
            y: g.y,
            width: g.width,
            height: g.height,
            firstSliceIndex: annotation.geometry.firstSliceIndex,
            lastSliceIndex: annotation.geometry.lastSliceIndex,
            firstSopInstanceUid: annotation.geometry.firstSopInstanceUid,
            lastSopInstanceUid: annotation.geometry.lastSopInstanceUid,
          },
  };
}

/** The tracking UID of an annotation of a read (stable across exports). */
export function trackingUid(readerId: string, annotationId: string): string {
  return deterministicUid('tracking', readerId, annotationId);
}

/** The regions of a 3D box: a POLYGON on each end slice in patient space, or why not. */
export function volumeRegions(entry: Extract<Entry, { kind: 'box3d' }>): { ok: true; items: Item[] } | { ok: false; reason: string } {
  const g = entry.annotation.geometry;
  const rect = { x: g.x, y: g.y, width: g.width, height: g.height };
  const ends = entry.slices.length > 1 ? [entry.slices[0]!, entry.slices.at(-1)!] : [entry.slices[0]!];
  const frameOfReference = ends[0]!.frameOfReferenceUid;
  if (frameOfReference === null || ends.some((image) => image.frameOfReferenceUid !== frameOfReference)) {
    return { ok: false, reason: 'the end slices have no common FrameOfReferenceUID' };
  }
  const items: Item[] = [];
  for (const image of ends) {
    const polygon = rectPolygon3d(rect, image);
    if (!polygon.ok) return { ok: false, reason: `slice ${image.sliceIndex}: ${polygon.reason}` };
    items.push(scoord3dItem('CONTAINS', CODES.imageRegion, 'POLYGON', polygon.value, frameOfReference));
  }
  return { ok: true, items };
}

/**
 * One TID 1501-style measurement group for an annotation: TID 1410 (planar ROI, SCOORD
 * POLYLINE on the source image) for a `box2d`, TID 1411 (volumetric ROI, SCOORD3D POLYGON per
 * end slice) for a `box3d`; a `box3d` without patient geometry falls back to a SCOORD per end
 * slice, with a warning.
 */
export function measurementGroup(entry: Entry, readerId: string, warnings: Warning[]): { item: Item; images: ImageInfo[]; uses3d: boolean } {
  const { annotation } = entry;
  const g = annotation.geometry;
  const rect = { x: g.x, y: g.y, width: g.width, height: g.height };
  let regions: Item[];
  let images: ImageInfo[];
  let uses3d = false;
  if (entry.kind === 'box2d') {
    regions = [scoordItem('CONTAINS', CODES.imageRegion, 'POLYLINE', rectPolyline(rect), imageRef(entry.image), CODES.sourceImage)];
    images = [entry.image];
  } else {
    const volume = volumeRegions(entry);
    images = entry.slices;
    if (volume.ok) {
      regions = volume.items;
      uses3d = true;
    } else {
      const ends = entry.slices.length > 1 ? [entry.slices[0]!, entry.slices.at(-1)!] : [entry.slices[0]!];
      regions = ends.map((image) => scoordItem('CONTAINS', CODES.imageRegion, 'POLYLINE', rectPolyline(rect), imageRef(image), CODES.sourceImage));
      warnings.push({ item: annotation.id, message: `no patient geometry (${volume.reason}): the 3D box is written as a SCOORD rectangle on each end slice` });
    }
  }
  const { confidence, note } = annotation.attributes;
  const children: Item[] = [
    textItem('HAS OBS CONTEXT', CODES.trackingIdentifier, annotation.id),
    uidrefItem('HAS OBS CONTEXT', CODES.trackingUid, trackingUid(readerId, annotation.id)),
    codeItem('CONTAINS', CODES.finding, labelCode(annotation.label)),
    ...regions,
    ...(note !== undefined && note !== '' ? [textItem('CONTAINS', CODES.comment, note)] : []),
    ...(confidence !== undefined ? [textItem('CONTAINS', CODES.readerConfidence, String(confidence))] : []),
    textItem('CONTAINS', CODES.annotationRecord, asciiJson(annotationRecord(annotation))),
  ];
  return { item: container('CONTAINS', CODES.measurementGroup, children, entry.kind === 'box2d' ? '1410' : '1411'), images, uses3d };
}
