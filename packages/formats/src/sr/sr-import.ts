import { rebuildAnnotation, type RecoveredAnnotation } from '../annotation-record';
import type { ImportSession } from '../import-session';
import type { PixelRect } from '../prepare-export';
import type { ImageInfo, LabelFile } from '../types';
import { deterministicId } from '../uid';
import { readPart10WithCharset } from './dcmjs-data';
import { CODES, labelCodeValue, RR_SCHEME, sameCode } from './sr-codes';
import { childrenNamed, firstText, SrDocumentSchema, templateOf, valueCodeOf, type ContentItem } from './sr-content';
import { RECTANGLE_TOLERANCE_PX, rectOfPolygon3d, rectOfPolyline } from './sr-geometry';
import { repairNestedText } from './sr-text';
import { AnnotationRecordSchema, parseJsonRecord, StateRecordSchema, type AnnotationRecord } from './sr-record';

/** Where an SR measurement group puts its box. */
type Placement = { kind: 'box2d'; image: ImageInfo; rect: PixelRect } | { kind: 'box3d'; first: ImageInfo; last: ImageInfo; rect: PixelRect };

/**
 * Reads a TID 1500 SR document with dcmjs. Each measurement group becomes an annotation: the
 * label from its `Finding` code (`99RR` code value, or a code meaning equal to a taxonomy
 * label), the box from its SCOORD (with the referenced image) or SCOORD3D regions (matched to
 * the slices whose planes hold them). When the group's JSON record agrees with that content
 * (same label, image and slices, coordinates within {@link RECTANGLE_TOLERANCE_PX}), the
 * record's exact values are used; otherwise the content, with a warning. The observer's login
 * name is the reader the document is attributed to.
 */
export function importSr(session: ImportSession, file: LabelFile): void {
  const path = file.path;
  if (typeof file.content === 'string') return session.skip(path, 'malformed', 'a DICOM SR file must be bytes');
  let naturalized: Record<string, unknown>;
  try {
    const read = readPart10WithCharset(file.content);
    naturalized = read.dataset;
    if (read.characterSet === 'ISO_IR 192') repairNestedText(naturalized);
  } catch (error) {
    return session.skip(path, 'malformed', `not a readable DICOM file: ${(error as Error).message}`);
  }
  const parsed = SrDocumentSchema.safeParse(naturalized);
  if (!parsed.success) return session.skip(path, 'malformed', 'not an SR document (no CONTAINER root with a concept name)');
  const doc = parsed.data;
  if (!sameCode(doc.ConceptNameCodeSequence[0], CODES.imagingMeasurementReport)) {
    return session.skip(path, 'unsupported', 'not a TID 1500 Imaging Measurement Report');
  }
  const login = firstText(doc, CODES.personObserverLogin);
  if (!session.fromWantedReader(path, login)) return;
  const author = login ?? session.context.readerId;

  childrenNamed(doc, CODES.imagingMeasurements).forEach((measurements) =>
    childrenNamed(measurements, CODES.measurementGroup).forEach((group, i) => importGroup(session, `${path}#group[${i}]`, group, author)),
  );
  childrenNamed(doc, CODES.qualitativeEvaluations).forEach((evaluations) =>
    childrenNamed(evaluations, CODES.reviewOutcome).forEach((item, i) => importState(session, `${path}#review[${i}]`, item, doc.StudyInstanceUID, author)),
  );
}

function labelOf(session: ImportSession, code: ReturnType<typeof valueCodeOf>): string | undefined {
  if (code === undefined) return undefined;
  const taxonomy = session.context.taxonomy;
  if (code.CodingSchemeDesignator === RR_SCHEME) {
    const byCode = taxonomy.find((label) => labelCodeValue(label) === code.CodeValue);
    if (byCode !== undefined) return byCode;
  }
  return taxonomy.find((label) => label === code.CodeMeaning);
}

function imageOfRegion(session: ImportSession, region: ContentItem): ImageInfo | undefined {
  const ref = region.ContentSequence?.find((c) => c.ValueType === 'IMAGE')?.ReferencedSOPSequence?.[0];
  if (!ref) return undefined;
  const frame = (ref.ReferencedFrameNumber?.[0] ?? 1) - 1;
  return session.index.byFrame(ref.ReferencedSOPInstanceUID, frame);
}

/** The box the group's regions describe, or why they describe none. */
function placementOf(session: ImportSession, group: ContentItem): Placement | { skip: 'unknown-image' | 'unsupported' | 'slice-range'; message: string } {
  const regions = childrenNamed(group, CODES.imageRegion);
  const found: { image: ImageInfo; rect: PixelRect }[] = [];
  for (const region of regions) {
    const data = region.GraphicData ?? [];
    if (region.ValueType === 'SCOORD' && region.GraphicType === 'POLYLINE') {
      const image = imageOfRegion(session, region);
      if (!image) return { skip: 'unknown-image', message: 'the region references an image that is not in the image list' };
      const rect = rectOfPolyline(data);
      if (!rect) return { skip: 'unsupported', message: 'the SCOORD is not a closed axis-aligned rectangle' };
      found.push({ image, rect });
    } else if (region.ValueType === 'SCOORD3D' && region.GraphicType === 'POLYGON') {
      const candidates = session.context.images.filter((image) => image.frameOfReferenceUid === region.ReferencedFrameOfReferenceUID && image.sliceIndex !== null);
      const match = rectOfPolygon3d(data, candidates);
      if (!match) return { skip: 'unknown-image', message: 'no slice in the image list holds the SCOORD3D rectangle' };
      found.push(match);
    } else {
      return { skip: 'unsupported', message: `a ${region.ValueType} ${region.GraphicType ?? ''} region` };
    }
  }
  const [first, ...rest] = found;
  if (!first) return { skip: 'unsupported', message: 'the group has no image region' };
  if (rest.length === 0 && templateOf(group) !== '1411') return { kind: 'box2d', image: first.image, rect: first.rect };
  if (!found.every((f) => f.image.seriesInstanceUid === first.image.seriesInstanceUid && f.image.sliceIndex !== null && sameRect(f.rect, first.rect))) {
    return { skip: 'slice-range', message: 'the volume regions are not one box on slices of one series' };
  }
  const ordered = [...found].sort((a, b) => (a.image.sliceIndex ?? 0) - (b.image.sliceIndex ?? 0));
  return { kind: 'box3d', first: ordered[0]!.image, last: ordered.at(-1)!.image, rect: first.rect };
}

function sameRect(a: PixelRect, b: PixelRect): boolean {
  const close = (p: number, q: number) => Math.abs(p - q) <= RECTANGLE_TOLERANCE_PX;
  return close(a.x, b.x) && close(a.y, b.y) && close(a.width, b.width) && close(a.height, b.height);
}

function recordAgrees(record: AnnotationRecord, label: string, placement: Placement): boolean {
  if (record.label !== label || record.kind !== placement.kind || !sameRect(record.geometry, placement.rect)) return false;
  if (placement.kind === 'box2d') {
    return record.sopInstanceUid === placement.image.sopInstanceUid && record.frameIndex === placement.image.frameIndex && record.seriesInstanceUid === placement.image.seriesInstanceUid;
  }
  const g = record.geometry;
  return (
    record.seriesInstanceUid === placement.first.seriesInstanceUid &&
    g.firstSliceIndex === placement.first.sliceIndex &&
    g.lastSliceIndex === placement.last.sliceIndex &&
    g.firstSopInstanceUid === placement.first.sopInstanceUid &&
    g.lastSopInstanceUid === placement.last.sopInstanceUid
  );
}

function importGroup(session: ImportSession, item: string, group: ContentItem, author: string): void {
  const finding = childrenNamed(group, CODES.finding)[0];
  const code = finding && valueCodeOf(finding);
  const label = labelOf(session, code);
  if (label === undefined) return session.skip(item, 'unknown-class', `finding ${JSON.stringify(code?.CodeMeaning ?? code?.CodeValue ?? null)} is not in the taxonomy`);
  const placement = placementOf(session, group);
  if ('skip' in placement) return session.skip(item, placement.skip, placement.message);
  const images = placement.kind === 'box2d' ? [placement.image] : [placement.first, placement.last];
  if (!images.every((image) => session.inside(item, placement.rect, image))) return;

  const record = parseJsonRecord(AnnotationRecordSchema, firstText(group, CODES.annotationRecord));
  let recovered: RecoveredAnnotation;
  if (record && recordAgrees(record, label, placement)) {
    recovered = {
      id: record.id,
      label,
      author: record.author,
      attributes: record.attributes,
      sources: record.sources,
      meta: record.meta,
      geometryExtra: record.geometryExtra,
      placement: placementFields(placement),
      geometry: geometryFields(placement, record.geometry),
    };
  } else {
    if (record) session.warn(item, 'the Reading Room record disagrees with the SR content; the SR content was used');
    const confidence = Number(firstText(group, CODES.readerConfidence));
    const note = firstText(group, CODES.comment);
    recovered = {
      id: firstText(group, CODES.trackingIdentifier) ?? deterministicId('sr', item),
      label,
      author,
      attributes: { ...(Number.isInteger(confidence) ? { confidence } : {}), ...(note !== undefined ? { note } : {}) },
      placement: placementFields(placement),
      geometry: geometryFields(placement, placement.rect),
    };
  }
  const rebuilt = rebuildAnnotation(recovered, session.context);
  if (rebuilt.ok) session.addAnnotation(item, rebuilt.annotation);
  else session.skip(item, 'malformed', rebuilt.message);
}

function placementFields(placement: Placement): RecoveredAnnotation['placement'] {
  if (placement.kind === 'box3d') return { kind: 'box3d', studyInstanceUid: placement.first.studyInstanceUid, seriesInstanceUid: placement.first.seriesInstanceUid };
  const { image } = placement;
  return { kind: 'box2d', studyInstanceUid: image.studyInstanceUid, seriesInstanceUid: image.seriesInstanceUid, sopInstanceUid: image.sopInstanceUid, frameIndex: image.frameIndex };
}

function geometryFields(placement: Placement, rect: PixelRect): Record<string, number | string> {
  const box = { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
  if (placement.kind === 'box2d') return box;
  return {
    ...box,
    firstSliceIndex: placement.first.sliceIndex ?? 0,
    lastSliceIndex: placement.last.sliceIndex ?? 0,
    firstSopInstanceUid: placement.first.sopInstanceUid,
    lastSopInstanceUid: placement.last.sopInstanceUid,
  };
}

function importState(session: ImportSession, item: string, evaluation: ContentItem, studyUid: string, author: string): void {
  const value = valueCodeOf(evaluation);
  const status = sameCode(value, CODES.noFinding) ? 'no_finding' : sameCode(value, CODES.excludedPoorQuality) ? 'excluded_poor_quality' : null;
  if (status === null) return session.skip(item, 'unsupported', `review outcome ${JSON.stringify(value?.CodeMeaning ?? null)}`);
  const record = parseJsonRecord(StateRecordSchema, firstText(evaluation, CODES.annotationRecord));
  const reason = firstText(evaluation, CODES.exclusionReason);
  const common = { status, ...(reason !== undefined ? { reason } : {}), setBy: record?.setBy ?? author, setAt: record?.setAt ?? session.context.now };
  const imageRef = evaluation.ContentSequence?.find((c) => c.ValueType === 'IMAGE');
  const series = childrenNamed(evaluation, CODES.seriesInstanceUid)[0]?.UID;
  const study = childrenNamed(evaluation, CODES.studyInstanceUid)[0]?.UID;
  if (imageRef) {
    const image = imageOfRegion(session, { ValueType: 'SCOORD', ContentSequence: [imageRef] });
    if (!image) return session.skip(item, 'unknown-image', 'the review outcome references an image that is not in the image list');
    return session.addState(item, { ...session.imageState(image, status), ...common });
  }
  if (series !== undefined) return session.addState(item, { level: 'series', studyInstanceUid: studyUid, seriesInstanceUid: series, ...common });
  if (study !== undefined) return session.addState(item, { level: 'study', studyInstanceUid: study, ...common });
  session.skip(item, 'malformed', 'the review outcome names no image, series or study');
}
