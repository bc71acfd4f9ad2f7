import { z } from 'zod';
import { FORMATS, SKIP_REASONS, type FormatName } from '@readingroom/formats';
import { DicomUidSchema, ReadingPhaseSchema } from '@readingroom/model';

// Request and response shapes of the export and label-import routes. The routes parse with
// these, the OpenAPI document is generated from them, and the CLI prints the same report.

/** `all` = the four formats, each in its own folder of the zip. */
export const EXPORT_FORMATS = [...FORMATS, 'all'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What is exported: the adjudicated consensus, or every reader's own read (one output each). */
export const EXPORT_SOURCES = ['consensus', 'reads'] as const;
export type ExportSource = (typeof EXPORT_SOURCES)[number];

/** The formats one `format` value stands for, in the order they are written. */
export const formatsOf = (format: ExportFormat): FormatName[] => (format === 'all' ? [...FORMATS] : [format]);

/** Largest number of studies one request may name. */
export const MAX_EXPORT_STUDIES = 10_000;

const truthy = z.enum(['true', 'false']).optional().transform((v) => v === 'true');

export const ExportParams = z.object({ id: z.uuid() });
export const ExportQuery = z.object({
  format: z.enum(EXPORT_FORMATS).describe('`all`: COCO, YOLO, VinDr-CSV and DICOM SR, one folder each'),
  source: z.enum(EXPORT_SOURCES).default('consensus').describe("`reads`: one output per reader, from each reader's own read"),
  studies: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const uids = [...new Set(value.split(','))];
      if (uids.length > MAX_EXPORT_STUDIES) ctx.addIssue({ code: 'custom', message: `at most ${MAX_EXPORT_STUDIES} studies` });
      for (const uid of uids) if (!DicomUidSchema.safeParse(uid).success) ctx.addIssue({ code: 'custom', message: `not a Study Instance UID: ${uid.slice(0, 70)}` });
      return uids;
    })
    .describe('comma-separated Study Instance UIDs (default: every study of the project)'),
  includePatient: truthy.describe('`true`: put patient name, ID, sex and study date, time, accession number and ID into DICOM SR documents (default: de-identified)'),
});

/** One study in an export: where its labels and images came from, and whether they are settled. */
export const ExportStudyView = z.object({
  studyInstanceUid: DicomUidSchema,
  phase: ReadingPhaseSchema,
  /** The consensus is locked (`final`): what training data should come from. */
  final: z.boolean(),
  /** Consensus exports: the study has a consensus (phase final, or consensus annotations, states or rejections). */
  hasConsensus: z.boolean(),
  /** Reads exports: readers whose read of this study was exported, and where it was read from. */
  reads: z.array(z.object({ readerId: z.string(), from: z.enum(['own', 'shared']), submitted: z.boolean() })),
  images: z.number().int().describe('frames and slices the labels may refer to'),
  imagesFrom: z.enum(['catalog', 'dicomweb', 'none']),
});

export const ExportIssueView = z.object({
  format: z.string().nullable(),
  readerId: z.string().nullable(),
  item: z.string(),
  reason: z.string().nullable().describe('skipped items: the skip reason (`unknown-image`, ...)'),
  message: z.string(),
});

/** `export-report.json` at the root of every export zip (and the CLI's summary). No patient data. */
export const ExportReportView = z.object({
  projectId: z.string(),
  projectName: z.string(),
  source: z.enum(EXPORT_SOURCES),
  formats: z.array(z.enum(FORMATS)),
  /** ISO time of the latest change among the exported labels: the SR content date and COCO date_created. */
  asOf: z.string(),
  deidentified: z.boolean(),
  readers: z.array(z.object({ id: z.string(), displayName: z.string() })),
  studies: z.array(ExportStudyView),
  /** Studies whose consensus is not final (consensus exports), or whose reads are not all submitted (reads exports). */
  notFinal: z.array(DicomUidSchema),
  files: z.array(z.object({ path: z.string(), bytes: z.number().int() })),
  skipped: z.array(ExportIssueView),
  warnings: z.array(ExportIssueView),
});
export type ExportReportView = z.infer<typeof ExportReportView>;
export type ExportIssueView = z.infer<typeof ExportIssueView>;
export type ExportStudyView = z.infer<typeof ExportStudyView>;

// ---- import-labels

export const IMPORT_TARGETS = ['read', 'pre-annotations'] as const;
export type ImportTarget = (typeof IMPORT_TARGETS)[number];

/** A model id as the author of pre-annotations (docs/document-model.md: e.g. `model:lung-v3`); never a user id. */
export const ModelIdSchema = z.string().regex(/^model:[A-Za-z0-9._-]{1,64}$/, 'expected model:<name> (letters, digits, ".", "_", "-")');
export const DEFAULT_MODEL_ID = 'model:imported';

export const ImportParams = z.object({ id: z.uuid(), studyUid: DicomUidSchema });
export const ImportQuery = z
  .object({
    format: z.enum(FORMATS),
    as: z.enum(IMPORT_TARGETS).describe("`read`: into the reader's own document r/<reader>; `pre-annotations`: into the shared document, authored by `model`"),
    reader: z.string().min(1).max(256).optional().describe('with as=read: the user whose read the labels become'),
    model: ModelIdSchema.optional().describe(`with as=pre-annotations: the author (default ${DEFAULT_MODEL_ID})`),
    fromReader: z.string().min(1).max(256).optional().describe('take only items the file attributes to this reader (COCO reader_id, CSV rad_id, SR observer); default all'),
    filename: z.string().min(1).max(255).optional().describe('raw bodies: the file name (default coco.json / annotations.csv / labels.dcm)'),
  })
  .refine((q) => q.as !== 'read' || q.reader !== undefined, { message: 'as=read needs reader=<userId>', path: ['reader'] })
  .refine((q) => q.as !== 'read' || q.model === undefined, { message: 'model goes only with as=pre-annotations', path: ['model'] })
  .refine((q) => q.as !== 'pre-annotations' || q.reader === undefined, { message: 'reader goes only with as=read', path: ['reader'] });
export type ImportQuery = z.infer<typeof ImportQuery>;

/**
 * A JSON body listing the files (`text` for COCO, CSV and YOLO files, `base64` for DICOM SR or a
 * zip). The routes also take the raw file (a zip of several) and multipart form data.
 */
export const ImportLabelsBody = z.strictObject({
  files: z
    .array(
      z
        .strictObject({ path: z.string().min(1).max(1024), text: z.string().optional(), base64: z.string().optional() })
        .refine((f) => (f.text === undefined) !== (f.base64 === undefined), 'give text or base64'),
    )
    .min(1)
    .max(100_000),
});

/** Whether a parsed JSON body is the `ImportLabelsBody` envelope rather than a label file (a COCO dataset has `images`). */
export const isFilesEnvelope = (json: unknown): boolean =>
  typeof json === 'object' && json !== null && !Array.isArray(json) && 'files' in json && !('images' in json);

/** Why an item was not written: the format's reasons, or that the document already holds it. */
export const IMPORT_SKIP_REASONS = [...SKIP_REASONS, 'already-present', 'conflicts-with-document'] as const;

export const ImportReportView = z.object({
  format: z.enum(FORMATS),
  as: z.enum(IMPORT_TARGETS),
  room: z.string().describe('the sync room written'),
  author: z.string().describe('the reader, or the model id'),
  files: z.number().int(),
  imported: z.object({ annotations: z.number().int(), imageStates: z.number().int() }),
  skipped: z.array(z.object({ item: z.string(), reason: z.enum(IMPORT_SKIP_REASONS), message: z.string() })),
  warnings: z.array(z.object({ item: z.string(), message: z.string() })),
});
export type ImportReportView = z.infer<typeof ImportReportView>;
