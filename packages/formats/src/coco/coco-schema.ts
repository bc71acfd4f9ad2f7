import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const positive = finite.refine((n) => n > 0, 'expected a number > 0');
const id = z.number().int().positive();

/** COCO `bbox`: [x, y, width, height] in pixels, origin at the image's top-left corner. */
export const CocoBboxSchema = z.tuple([finite, finite, positive, positive]);

/** A review outcome as shown on a COCO image (the most specific state that applies). */
export const CocoReviewStateSchema = z.strictObject({
  level: z.enum(['study', 'series', 'image']),
  status: z.enum(['no_finding', 'excluded_poor_quality']),
  reason: z.string().optional(),
});

/** One image (one frame) of a COCO dataset, with Reading Room's DICOM references. */
export const CocoImageSchema = z.looseObject({
  id,
  file_name: z.string().min(1),
  width: id,
  height: id,
  // Reading Room extras (optional on import).
  study_instance_uid: z.string().optional(),
  series_instance_uid: z.string().optional(),
  sop_instance_uid: z.string().optional(),
  sop_class_uid: z.string().optional(),
  frame_index: z.number().int().nonnegative().optional(),
  slice_index: z.number().int().nonnegative().nullable().optional(),
  review_state: CocoReviewStateSchema.nullable().optional(),
});

const AttributesExtraSchema = z.looseObject({ confidence: z.number().optional(), note: z.string().optional() });

/** Reading Room's per-annotation extras, shared by 2D annotations and 3D records. */
const annotationExtras = {
  reader_id: z.string().optional(),
  annotation_id: z.string().optional(),
  author: z.string().optional(),
  attributes: AttributesExtraSchema.optional(),
  sources: z.array(z.looseObject({ readerId: z.string(), annotationId: z.string() })).optional(),
  /** The annotation's other fields (createdBy, createdAt, updatedBy, updatedAt, origin, ...). */
  rr_meta: z.record(z.string(), z.unknown()).optional(),
  /** Geometry fields beyond the box and slice range (e.g. `patientMm`). */
  rr_geometry: z.record(z.string(), z.unknown()).optional(),
};

/** One COCO object annotation: a 2D box, or one slice of a 3D box (`box3d_id` set). */
export const CocoAnnotationSchema = z.looseObject({
  id,
  image_id: id,
  category_id: id,
  bbox: CocoBboxSchema,
  area: finite.refine((n) => n >= 0, 'expected area >= 0'),
  iscrowd: z.union([z.literal(0), z.literal(1)]),
  segmentation: z.array(z.unknown()).optional(),
  ...annotationExtras,
  box3d_id: z.string().optional(),
  slice_index: z.number().int().nonnegative().optional(),
});

export const CocoCategorySchema = z.looseObject({
  id,
  name: z.string().min(1),
  supercategory: z.string().optional(),
});

/** Reading Room extra: a 3D box as one record (its slices are also in `annotations`). */
export const Coco3dBoxSchema = z.looseObject({
  id: z.string().min(1),
  category_id: id,
  study_instance_uid: z.string(),
  series_instance_uid: z.string(),
  bbox: CocoBboxSchema,
  first_slice_index: z.number().int().nonnegative(),
  last_slice_index: z.number().int().nonnegative(),
  first_sop_instance_uid: z.string(),
  last_sop_instance_uid: z.string(),
  image_ids: z.array(id),
  annotation_ids: z.array(id),
  ...annotationExtras,
});

/** A COCO object-detection dataset as written by Reading Room (standard fields plus extras). */
export const CocoDatasetSchema = z.looseObject({
  info: z.looseObject({ description: z.string().optional(), date_created: z.string().optional(), reader_id: z.string().optional() }).optional(),
  licenses: z.array(z.unknown()).optional(),
  images: z.array(CocoImageSchema),
  annotations: z.array(CocoAnnotationSchema),
  categories: z.array(CocoCategorySchema),
  /** Reading Room extra: 3D boxes. */
  boxes_3d: z.array(Coco3dBoxSchema).optional(),
  /** Reading Room extra: the read's review outcomes (model `ImageState` objects). */
  image_states: z.array(z.unknown()).optional(),
});

/** The top level only, items unchecked, so an import can skip bad items one by one. */
export const CocoEnvelopeSchema = z.looseObject({
  info: z.looseObject({ reader_id: z.string().optional() }).optional(),
  images: z.array(z.unknown()),
  annotations: z.array(z.unknown()),
  categories: z.array(z.unknown()),
  boxes_3d: z.array(z.unknown()).optional(),
  image_states: z.array(z.unknown()).optional(),
});

export type CocoDataset = z.infer<typeof CocoDatasetSchema>;
export type CocoImage = z.infer<typeof CocoImageSchema>;
export type CocoAnnotation = z.infer<typeof CocoAnnotationSchema>;
export type Coco3dBox = z.infer<typeof Coco3dBoxSchema>;
