import type { Annotation, Box2dAnnotation, Box3dAnnotation, ImageState } from '@readingroom/model';
import { effectiveState, imageListIssues, indexImages, stateTargetKnown, type ImageIndex } from './image-index';
import {
  CONSENSUS_READER_ID,
  ExportInputSchema,
  FormatInputError,
  type ExportInput,
  type ImageInfo,
  type ParsedExportInput,
  type Skipped,
  type Warning,
} from './types';

export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A 2D box as written to per-image formats: a `box2d`, or one slice of a `box3d`. */
export interface ImageBox {
  annotation: Annotation;
  image: ImageInfo;
  /** 0-based position of the label in the taxonomy. */
  classId: number;
  rect: PixelRect;
  /** Set when the box is one slice of a `box3d`. */
  slice: { box3dId: string; sliceIndex: number } | null;
}

export interface VolumeBox {
  annotation: Box3dAnnotation;
  classId: number;
  /** The stack's images from the first to the last slice, in order. */
  slices: ImageInfo[];
}

/** The checked, indexed content of an export, shared by all formats. */
export interface PreparedExport {
  input: ParsedExportInput;
  index: ImageIndex;
  /** Per-image boxes (3D boxes expanded), in image order then annotation order. */
  boxes: ImageBox[];
  /** Exportable annotations in input order: `box2d` with its image, `box3d` with its slices. */
  annotations: ({ kind: 'box2d'; annotation: Box2dAnnotation; classId: number; image: ImageInfo } | ({ kind: 'box3d' } & VolumeBox))[];
  /** Image states whose target is among the images, in input order. */
  states: ImageState[];
  stateOf(image: ImageInfo): ImageState | null;
  readerName: string;
  skipped: Skipped[];
  warnings: Warning[];
}

const rectOf = (a: Annotation): PixelRect => ({ x: a.geometry.x, y: a.geometry.y, width: a.geometry.width, height: a.geometry.height });

function outside(rect: PixelRect, image: ImageInfo): boolean {
  return rect.x < 0 || rect.y < 0 || rect.x + rect.width > image.columns || rect.y + rect.height > image.rows;
}

/**
 * Validates the input (throws {@link FormatInputError}) and works out what every format needs:
 * each live annotation's class and image(s), or why it is skipped (unknown class, unknown image,
 * a 3D slice range that does not match the images, a box outside its image). Deleted
 * annotations are left out silently.
 */
export function prepareExport(raw: ExportInput): PreparedExport {
  const parsed = ExportInputSchema.safeParse(raw);
  if (!parsed.success) throw new FormatInputError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const input = parsed.data;
  const issues = imageListIssues(input.images);
  if (issues.length > 0) throw new FormatInputError(issues);

  const index = indexImages(input.images);
  const classIds = new Map(input.taxonomy.map((label, i) => [label, i]));
  const skipped: Skipped[] = [];
  const warnings: Warning[] = [];
  const skip = (item: string, reason: Skipped['reason'], message: string) => skipped.push({ item, reason, message });

  const annotations: PreparedExport['annotations'] = [];
  const perImage = new Map<string, ImageBox[]>();
  const addBox = (box: ImageBox) => perImage.set(box.image.imageId, [...(perImage.get(box.image.imageId) ?? []), box]);

  for (const annotation of input.annotations) {
    if (annotation.deleted) continue;
    const classId = classIds.get(annotation.label);
    if (classId === undefined) {
      skip(annotation.id, 'unknown-class', `label ${JSON.stringify(annotation.label)} is not in the taxonomy`);
      continue;
    }
    const rect = rectOf(annotation);
    if (annotation.kind === 'box2d') {
      const image = index.byFrame(annotation.sopInstanceUid, annotation.frameIndex);
      if (!image || image.seriesInstanceUid !== annotation.seriesInstanceUid || image.studyInstanceUid !== annotation.studyInstanceUid) {
        skip(annotation.id, 'unknown-image', `no image ${annotation.sopInstanceUid} frame ${annotation.frameIndex} in that series`);
        continue;
      }
      if (outside(rect, image)) {
        skip(annotation.id, 'box-outside-image', `the box leaves the ${image.columns}×${image.rows} image`);
        continue;
      }
      annotations.push({ kind: 'box2d', annotation, classId, image });
      addBox({ annotation, image, classId, rect, slice: null });
      continue;
    }
    const slices = resolveSlices(index, annotation);
    if (typeof slices === 'string') {
      skip(annotation.id, 'slice-range', slices);
      continue;
    }
    if (slices.some((image) => image.studyInstanceUid !== annotation.studyInstanceUid)) {
      skip(annotation.id, 'unknown-image', 'the slice range lies in another study');
      continue;
    }
    const tooSmall = slices.find((image) => outside(rect, image));
    if (tooSmall) {
      skip(annotation.id, 'box-outside-image', `the box leaves the ${tooSmall.columns}×${tooSmall.rows} image of slice ${tooSmall.sliceIndex}`);
      continue;
    }
    annotations.push({ kind: 'box3d', annotation, classId, slices });
    for (const image of slices) addBox({ annotation, image, classId, rect, slice: { box3dId: annotation.id, sliceIndex: image.sliceIndex ?? 0 } });
  }

  const states: ImageState[] = [];
  for (const state of input.imageStates) {
    if (stateTargetKnown(index, state)) states.push(state);
    else skip(`image-state:${state.level}:${targetUid(state)}`, 'unknown-image', `no image of this ${state.level} in the image list`);
  }

  const stateOf = (image: ImageInfo) => effectiveState(states, image);
  for (const image of input.images) {
    const count = perImage.get(image.imageId)?.length ?? 0;
    const state = stateOf(image);
    if (count > 0 && state?.status === 'no_finding') {
      warnings.push({ item: image.imageId, message: `marked no_finding (${state.level} level) but has ${count} box(es)` });
    }
    if (count > 0 && state?.status === 'excluded_poor_quality') {
      warnings.push({ item: image.imageId, message: `excluded (${state.level} level) but has ${count} box(es); the boxes are exported` });
    }
  }

  const boxes = input.images.flatMap((image) => perImage.get(image.imageId) ?? []);
  const readerName = input.readers.find((r) => r.id === input.readerId)?.displayName ?? (input.readerId === CONSENSUS_READER_ID ? 'Consensus' : input.readerId);
  return { input, index, boxes, annotations, states, stateOf, readerName, skipped, warnings };
}

export function targetUid(state: ImageState): string {
  switch (state.level) {
    case 'study':
      return state.studyInstanceUid;
    case 'series':
      return state.seriesInstanceUid;
    case 'image':
      return `${state.sopInstanceUid}:${state.frameIndex}`;
  }
}

/**
 * The images of a 3D box's slice range. Each end must be the image at its stored slice index
 * with its stored SOP Instance UID (for a multi-frame instance, the UID of the frame's
 * instance), and every slice in between must be in the list; otherwise a message saying why.
 */
export function resolveSlices(index: ImageIndex, annotation: Box3dAnnotation): ImageInfo[] | string {
  const g = annotation.geometry;
  const series = annotation.seriesInstanceUid;
  for (const [end, slice, uid] of [
    ['first', g.firstSliceIndex, g.firstSopInstanceUid],
    ['last', g.lastSliceIndex, g.lastSopInstanceUid],
  ] as const) {
    const image = index.bySlice(series, slice);
    if (image === undefined) return `no image at slice ${slice} (${end} slice) of series ${series}`;
    if (image.sopInstanceUid !== uid) {
      return `slice ${slice} is ${image.sopInstanceUid}, but the box's ${end} slice is ${uid}: the image list sorts the series differently`;
    }
  }
  const slices: ImageInfo[] = [];
  for (let s = g.firstSliceIndex; s <= g.lastSliceIndex; s++) {
    const image = index.bySlice(series, s);
    if (image === undefined) return `slice ${s} of the range ${g.firstSliceIndex}..${g.lastSliceIndex} is not in the image list`;
    slices.push(image);
  }
  return slices;
}
