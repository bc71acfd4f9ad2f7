import { rebuildAnnotation } from '../annotation-record';
import { deterministicId } from '../uid';
import type { ImportSession } from '../import-session';
import type { ImageInfo, LabelFile } from '../types';
import { Coco3dBoxSchema, CocoAnnotationSchema, CocoCategorySchema, CocoEnvelopeSchema, CocoImageSchema, type CocoImage } from './coco-schema';

const issuesOf = (error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }) =>
  error.issues.map((i) => `${i.path.map(String).join('.') || '(item)'}: ${i.message}`).join('; ');

/**
 * Reads a COCO dataset. Images are matched by `sop_instance_uid` + `frame_index` when present,
 * by `file_name` = imageId otherwise, and must have the image's width and height. Categories are
 * matched to the taxonomy by name. Slices of 3D boxes are rebuilt from `boxes_3d`; Reading Room
 * extras (ids, author, attributes, sources, `rr_meta`) restore the annotations exactly.
 */
export function importCoco(session: ImportSession, file: LabelFile): void {
  const path = file.path;
  if (typeof file.content !== 'string') return session.skip(path, 'malformed', 'a COCO file must be text');
  let json: unknown;
  try {
    json = JSON.parse(file.content);
  } catch (error) {
    return session.skip(path, 'malformed', `not JSON: ${(error as Error).message}`);
  }
  const envelope = CocoEnvelopeSchema.safeParse(json);
  if (!envelope.success) return session.skip(path, 'malformed', `not a COCO dataset: ${issuesOf(envelope.error)}`);
  const data = envelope.data;
  const fileReader = data.info?.reader_id;

  const labels = new Map<number, string>();
  data.categories.forEach((raw, i) => {
    const category = CocoCategorySchema.safeParse(raw);
    if (category.success) labels.set(category.data.id, category.data.name);
    else session.skip(`${path}#categories[${i}]`, 'malformed', issuesOf(category.error));
  });

  const images = new Map<number, { image: ImageInfo | null; reason: string }>();
  data.images.forEach((raw, i) => {
    const parsed = CocoImageSchema.safeParse(raw);
    if (!parsed.success) return session.skip(`${path}#images[${i}]`, 'malformed', issuesOf(parsed.error));
    images.set(parsed.data.id, matchImage(session, parsed.data));
  });

  const box3dIds = new Set<string>();
  (data.boxes_3d ?? []).forEach((raw, i) => {
    const item = `${path}#boxes_3d[${i}]`;
    const parsed = Coco3dBoxSchema.safeParse(raw);
    if (!parsed.success) return session.skip(item, 'malformed', issuesOf(parsed.error));
    const box = parsed.data;
    box3dIds.add(box.id);
    if (!session.fromWantedReader(item, box.reader_id ?? fileReader)) return;
    const label = labels.get(box.category_id);
    if (label === undefined || session.classId(label) === undefined) {
      return session.skip(item, 'unknown-class', `category ${box.category_id} (${JSON.stringify(label ?? null)}) is not in the taxonomy`);
    }
    const [x, y, width, height] = box.bbox;
    const slices: ImageInfo[] = [];
    for (let s = box.first_slice_index; s <= box.last_slice_index; s++) {
      const image = session.index.bySlice(box.series_instance_uid, s);
      if (image === undefined) return session.skip(item, 'slice-range', `slice ${s} of series ${box.series_instance_uid} is not in the image list`);
      slices.push(image);
    }
    if (slices[0]?.sopInstanceUid !== box.first_sop_instance_uid || slices.at(-1)?.sopInstanceUid !== box.last_sop_instance_uid) {
      return session.skip(item, 'slice-range', 'the end slices are other images in this image list (a different slice order)');
    }
    if (!slices.every((image) => session.inside(item, { x, y, width, height }, image))) return;
    const rebuilt = rebuildAnnotation(
      {
        id: box.annotation_id ?? box.id,
        label,
        author: box.author,
        attributes: box.attributes,
        sources: box.sources,
        meta: box.rr_meta,
        geometryExtra: box.rr_geometry,
        placement: { kind: 'box3d', studyInstanceUid: box.study_instance_uid, seriesInstanceUid: box.series_instance_uid },
        geometry: {
          x, y, width, height,
          firstSliceIndex: box.first_slice_index,
          lastSliceIndex: box.last_slice_index,
          firstSopInstanceUid: box.first_sop_instance_uid,
          lastSopInstanceUid: box.last_sop_instance_uid,
        },
      },
      session.context,
    );
    if (rebuilt.ok) session.addAnnotation(item, rebuilt.annotation);
    else session.skip(item, 'malformed', rebuilt.message);
  });

  data.annotations.forEach((raw, i) => {
    const item = `${path}#annotations[${i}]`;
    const parsed = CocoAnnotationSchema.safeParse(raw);
    if (!parsed.success) return session.skip(item, 'malformed', issuesOf(parsed.error));
    const a = parsed.data;
    if (a.box3d_id !== undefined) {
      // Rebuilt from its boxes_3d record above; a slice whose record is missing is not guessed at.
      if (!box3dIds.has(a.box3d_id)) session.skip(item, 'malformed', `slice of 3D box ${a.box3d_id}, which has no boxes_3d record`);
      return;
    }
    if (!session.fromWantedReader(item, a.reader_id ?? fileReader)) return;
    const label = labels.get(a.category_id);
    if (label === undefined || session.classId(label) === undefined) {
      return session.skip(item, 'unknown-class', `category ${a.category_id} (${JSON.stringify(label ?? null)}) is not in the taxonomy`);
    }
    const match = images.get(a.image_id);
    if (!match?.image) return session.skip(item, 'unknown-image', match?.reason ?? `no image with id ${a.image_id} in the file`);
    const image = match.image;
    const [x, y, width, height] = a.bbox;
    if (!session.inside(item, { x, y, width, height }, image)) return;
    const rebuilt = rebuildAnnotation(
      {
        id: a.annotation_id ?? deterministicId('coco', path, String(a.id)),
        label,
        author: a.author,
        attributes: a.attributes,
        sources: a.sources,
        meta: a.rr_meta,
        geometryExtra: a.rr_geometry,
        placement: {
          kind: 'box2d',
          studyInstanceUid: image.studyInstanceUid,
          seriesInstanceUid: image.seriesInstanceUid,
          sopInstanceUid: image.sopInstanceUid,
          frameIndex: image.frameIndex,
        },
        geometry: { x, y, width, height },
      },
      session.context,
    );
    if (rebuilt.ok) session.addAnnotation(item, rebuilt.annotation);
    else session.skip(item, 'malformed', rebuilt.message);
  });

  (data.image_states ?? []).forEach((raw, i) => {
    const item = `${path}#image_states[${i}]`;
    if (session.fromWantedReader(item, fileReader)) session.addState(item, raw);
  });
}

function matchImage(session: ImportSession, coco: CocoImage): { image: ImageInfo | null; reason: string } {
  const image =
    coco.sop_instance_uid !== undefined
      ? session.index.byFrame(coco.sop_instance_uid, coco.frame_index ?? 0)
      : session.index.byId(coco.file_name);
  if (image === undefined) return { image: null, reason: `image ${JSON.stringify(coco.file_name)} is not in the image list` };
  if (image.columns !== coco.width || image.rows !== coco.height) {
    return { image: null, reason: `image ${JSON.stringify(coco.file_name)} is ${coco.width}×${coco.height} in the file, ${image.columns}×${image.rows} here` };
  }
  return { image, reason: '' };
}
