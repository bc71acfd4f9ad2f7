import type { Annotation } from '@readingroom/model';
import { splitAnnotation } from '../annotation-record';
import type { PreparedExport } from '../prepare-export';
import { CONSENSUS_READER_ID, type LabelFile } from '../types';
import type { Coco3dBox, CocoAnnotation, CocoDataset, CocoImage } from './coco-schema';

/** Path of the COCO file in an export. */
export const COCO_FILE = 'coco.json';

function extras(annotation: Annotation, readerId: string) {
  const parts = splitAnnotation(annotation);
  return {
    reader_id: readerId,
    annotation_id: parts.id,
    author: parts.author,
    attributes: parts.attributes,
    ...(Array.isArray(parts.sources) ? { sources: parts.sources as { readerId: string; annotationId: string }[] } : {}),
    rr_meta: parts.meta,
    ...(Object.keys(parts.geometryExtra).length > 0 ? { rr_geometry: parts.geometryExtra } : {}),
  };
}

/** A 3D box's slices carry the consumer-facing fields; its full record is in `boxes_3d`. */
function withoutRecord<T extends { rr_meta?: unknown; rr_geometry?: unknown }>(value: T): Omit<T, 'rr_meta' | 'rr_geometry'> {
  const { rr_meta: _meta, rr_geometry: _geometry, ...rest } = value;
  return rest;
}

/**
 * COCO object detection: one image per frame or slice (ids in image-list order from 1),
 * categories = the taxonomy (id = position + 1), one annotation per 2D box and per slice of a 3D
 * box (`box3d_id` links them), 3D boxes again as records in `boxes_3d`, the read's review
 * outcomes in `image_states` and each image's applicable one in `review_state`. bbox values are
 * the stored numbers, so JSON keeps them exactly; area = width × height.
 */
export function exportCoco(prepared: PreparedExport): LabelFile[] {
  const { input, boxes } = prepared;
  const imageIds = new Map(input.images.map((image, i) => [image.imageId, i + 1]));
  const images: CocoImage[] = input.images.map((image, i) => {
    const state = prepared.stateOf(image);
    return {
      id: i + 1,
      file_name: image.imageId,
      width: image.columns,
      height: image.rows,
      study_instance_uid: image.studyInstanceUid,
      series_instance_uid: image.seriesInstanceUid,
      sop_instance_uid: image.sopInstanceUid,
      sop_class_uid: image.sopClassUid,
      frame_index: image.frameIndex,
      slice_index: image.sliceIndex,
      review_state: state === null ? null : { level: state.level, status: state.status, ...(state.reason !== undefined ? { reason: state.reason } : {}) },
    };
  });

  const annotations: CocoAnnotation[] = [];
  const sliceAnnotationIds = new Map<string, number[]>();
  for (const box of boxes) {
    const id = annotations.length + 1;
    const { x, y, width, height } = box.rect;
    const common = extras(box.annotation, input.readerId);
    annotations.push({
      id,
      image_id: imageIds.get(box.image.imageId) ?? 0,
      category_id: box.classId + 1,
      bbox: [x, y, width, height],
      area: width * height,
      iscrowd: 0,
      segmentation: [],
      ...(box.slice === null ? common : { ...withoutRecord(common), box3d_id: box.slice.box3dId, slice_index: box.slice.sliceIndex }),
    });
    if (box.slice !== null) sliceAnnotationIds.set(box.slice.box3dId, [...(sliceAnnotationIds.get(box.slice.box3dId) ?? []), id]);
  }

  const boxes3d: Coco3dBox[] = [];
  for (const entry of prepared.annotations) {
    if (entry.kind !== 'box3d') continue;
    const g = entry.annotation.geometry;
    boxes3d.push({
      id: entry.annotation.id,
      category_id: entry.classId + 1,
      study_instance_uid: entry.annotation.studyInstanceUid,
      series_instance_uid: entry.annotation.seriesInstanceUid,
      bbox: [g.x, g.y, g.width, g.height],
      first_slice_index: g.firstSliceIndex,
      last_slice_index: g.lastSliceIndex,
      first_sop_instance_uid: g.firstSopInstanceUid,
      last_sop_instance_uid: g.lastSopInstanceUid,
      image_ids: entry.slices.map((image) => imageIds.get(image.imageId) ?? 0),
      annotation_ids: sliceAnnotationIds.get(entry.annotation.id) ?? [],
      ...extras(entry.annotation, input.readerId),
    });
  }

  const dataset: CocoDataset = {
    info: {
      description: `Reading Room labels of ${input.readerId === CONSENSUS_READER_ID ? 'the consensus' : `reader ${input.readerId}`}`,
      version: '1.0',
      year: new Date(input.now).getUTCFullYear(),
      contributor: prepared.readerName,
      date_created: new Date(input.now).toISOString(),
      reader_id: input.readerId,
    },
    licenses: [],
    images,
    annotations,
    categories: input.taxonomy.map((name, i) => ({ id: i + 1, name, supercategory: 'finding' })),
    boxes_3d: boxes3d,
    image_states: prepared.states,
  };
  return [{ path: COCO_FILE, content: `${JSON.stringify(dataset, null, 2)}\n` }];
}
