import { z } from 'zod';
import { AnnotationSchema, DicomUidSchema, ImageStateSchema, IndexSchema, UserIdSchema, type Annotation, type ImageState } from '@readingroom/model';

/** The four label formats. */
export const FORMATS = ['coco', 'yolo', 'vindr-csv', 'dicom-sr'] as const;
export type FormatName = (typeof FORMATS)[number];

/** The read whose labels are exported: a reader's id, or this value for the adjudicated consensus. */
export const CONSENSUS_READER_ID = 'consensus';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const positiveInt = z.number().int().positive();

/**
 * One image (one frame of one instance) that labels may refer to. Pixel coordinates follow the
 * study document: x = column, y = row, origin at the top-left corner of the top-left pixel.
 */
export const ImageInfoSchema = z.strictObject({
  /**
   * Names the image in every format: COCO `file_name`, the YOLO label file stem (after
   * {@link safeFileStem}), the CSV `image_id`. Unique across the input.
   */
  imageId: z.string().min(1).max(256),
  studyInstanceUid: DicomUidSchema,
  seriesInstanceUid: DicomUidSchema,
  sopInstanceUid: DicomUidSchema,
  /** 0-based frame of a multi-frame instance; 0 for single-frame images. */
  frameIndex: IndexSchema.default(0),
  /** NumberOfFrames of the instance; SR references name the frame only when it is > 1. */
  numberOfFrames: positiveInt.default(1),
  sopClassUid: DicomUidSchema,
  rows: positiveInt,
  columns: positiveInt,
  /**
   * Position in the series' stack (sorted along the slice normal, frames of a multi-frame
   * instance one per entry) as used by `box3d` slice indices; null when the image is not part
   * of a stack (a radiograph).
   */
  sliceIndex: IndexSchema.nullable(),
  imagePositionPatient: z.tuple([finite, finite, finite]).nullable(),
  imageOrientationPatient: z.tuple([finite, finite, finite, finite, finite, finite]).nullable(),
  /** DICOM order: [row spacing, column spacing], mm. */
  pixelSpacing: z.tuple([finite, finite]).nullable(),
  frameOfReferenceUid: DicomUidSchema.nullable().default(null),
});
export type ImageInfo = z.output<typeof ImageInfoSchema>;
export type ImageInfoInput = z.input<typeof ImageInfoSchema>;

export const ReaderSchema = z.strictObject({ id: UserIdSchema, displayName: z.string().min(1).max(256) });
export type Reader = z.infer<typeof ReaderSchema>;

/** Patient and study attributes copied into DICOM SR documents (all optional: type 2 when absent). */
export const StudyInfoSchema = z.strictObject({
  studyInstanceUid: DicomUidSchema,
  patientName: z.string().max(64).optional(),
  patientId: z.string().max(64).optional(),
  patientBirthDate: z.string().regex(/^(\d{8})?$/).optional(),
  patientSex: z.enum(['M', 'F', 'O', '']).optional(),
  studyDate: z.string().regex(/^(\d{8})?$/).optional(),
  studyTime: z.string().regex(/^(\d{2,6}(\.\d{1,6})?)?$/).optional(),
  accessionNumber: z.string().max(16).optional(),
  studyId: z.string().max(16).optional(),
  referringPhysicianName: z.string().max(64).optional(),
});
export type StudyInfo = z.infer<typeof StudyInfoSchema>;

/** Ordered label names; a label's class id is its position (COCO category id = position + 1). */
export const TaxonomySchema = z
  .array(z.string().min(1).max(256))
  .min(1)
  .refine((labels) => new Set(labels).size === labels.length, 'taxonomy labels must be unique');

/** Everything an export needs: one read's annotations and image states, and the images. */
export const ExportInputSchema = z.strictObject({
  /** Whose read this is: a reader id or `consensus`. */
  readerId: UserIdSchema,
  annotations: z.array(AnnotationSchema),
  imageStates: z.array(ImageStateSchema).default([]),
  taxonomy: TaxonomySchema,
  readers: z.array(ReaderSchema).default([]),
  images: z.array(ImageInfoSchema).min(1),
  studies: z.array(StudyInfoSchema).default([]),
  /** Export time, epoch ms: SR content date/time and COCO `info.date_created` (UTC). */
  now: z.number().int().nonnegative(),
});
export type ExportInput = z.input<typeof ExportInputSchema>;
export type ParsedExportInput = z.output<typeof ExportInputSchema>;

/** One output or input file. Text formats carry strings, DICOM SR carries bytes. */
export interface LabelFile {
  path: string;
  content: string | Uint8Array;
}

/** Something left out of an export or import, and why (machine-readable code plus text). */
export interface Skipped {
  /** What was skipped: an annotation id, `path:line`, `path#annotations[3]`, ... */
  item: string;
  reason: SkipReason;
  message: string;
}

export const SKIP_REASONS = [
  'unknown-image',
  'unknown-class',
  'box-outside-image',
  'malformed',
  'other-reader',
  'slice-range',
  'unsupported',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Exported but worth a look: something the format cannot express, or an inconsistency. */
export interface Warning {
  item: string;
  message: string;
}

export interface ExportResult {
  files: LabelFile[];
  skipped: Skipped[];
  warnings: Warning[];
}

/** What an import needs to know about the project. */
export const ImportContextSchema = z.strictObject({
  /** The read the labels are imported into; author of annotations whose file does not name one. */
  readerId: UserIdSchema,
  taxonomy: TaxonomySchema,
  images: z.array(ImageInfoSchema).min(1),
  /** Import time, epoch ms: createdAt/updatedAt/setAt of items whose file carries none. */
  now: z.number().int().nonnegative(),
  /**
   * Only take items the file attributes to this reader (COCO `reader_id`, CSV `rad_id`, SR
   * observer login); others are skipped as `other-reader`. Default: take everything.
   */
  sourceReaderId: z.string().min(1).optional(),
});
export type ImportContext = z.input<typeof ImportContextSchema>;
export type ParsedImportContext = z.output<typeof ImportContextSchema>;

export interface ImportResult {
  annotations: Annotation[];
  imageStates: ImageState[];
  skipped: Skipped[];
  warnings: Warning[];
}

/** Thrown for invalid export input or import context (a programming error, not bad files). */
export class FormatInputError extends Error {
  readonly code = 'invalid-format-input';
  constructor(readonly issues: string[]) {
    super(`invalid input: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`);
    this.name = 'FormatInputError';
  }
}
