import { z } from 'zod';
import { DISAGREEMENT_KINDS, type AgreementReport } from '@readingroom/agreement';
import { DicomUidSchema, ReadingPhaseSchema } from '@readingroom/model';

// Request and response shapes of the agreement routes. The routes parse with these, the OpenAPI
// document is generated from them, and the CLI prints the same views.

export const AGREEMENT_FORMATS = ['json', 'csv'] as const;
export type AgreementFormat = (typeof AGREEMENT_FORMATS)[number];
const format = z.enum(AGREEMENT_FORMATS).default('json').describe('`csv`: the report as one long table (text/csv)');

export const ProjectAgreementParams = z.object({ id: z.uuid() });
export const StudyAgreementParams = z.object({ id: z.uuid(), studyUid: DicomUidSchema });
export const StudyOnlyParams = z.object({ studyUid: DicomUidSchema });
export const AgreementQuery = z.object({ format });
export const StudyAgreementQuery = z.object({ project: z.uuid().describe('the project whose reads are compared'), format });

const ratio = z.number().nullable();
const DetectionScoresSchema = z.object({
  tp: z.number().int(),
  fp: z.number().int(),
  fn: z.number().int(),
  precision: ratio,
  recall: ratio,
  f1: ratio,
  meanIoU: ratio.describe('mean IoU of the true-positive pairs'),
});

/** `AgreementReport` of `@readingroom/agreement` (checked against its type below). */
export const AgreementReportSchema = z.object({
  readers: z.array(z.string()).describe('user ids, sorted'),
  imageCount: z.number().int(),
  studyCount: z.number().int(),
  threshold: z.number().describe('IoU a matched pair needs'),
  labelAgnostic: z.boolean(),
  classes: z.array(
    z.object({
      label: z.string(),
      method: z.enum(['cohen', 'fleiss']).nullable(),
      kappa: z.number().nullable().describe('kappa on per-image presence of the class'),
      imagesPresent: z.record(z.string(), z.number().int()),
    }),
  ),
  readerPairs: z.array(DetectionScoresSchema.extend({ readerA: z.string(), readerB: z.string() })),
  readerStats: z.array(
    z.object({
      readerId: z.string(),
      annotations: z.number().int(),
      annotationsPerStudy: z.number(),
      imagesWithFindings: z.number().int(),
      findingRate: ratio,
      vsConsensus: DetectionScoresSchema.nullable(),
    }),
  ),
  unresolvedDisagreements: z.number().int(),
  unresolvedByKind: z.object(Object.fromEntries(DISAGREEMENT_KINDS.map((k) => [k, z.number().int()])) as Record<(typeof DISAGREEMENT_KINDS)[number], z.ZodNumber>),
  consensus: z.object({
    boxes: z.number().int(),
    classBalance: z.array(z.object({ label: z.string(), count: z.number().int(), fraction: z.number() })),
  }),
});
// Fails to compile when the package's report and this schema drift apart (in either direction).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const reportSchemaMatches: Same<z.infer<typeof AgreementReportSchema>, AgreementReport> = true;
void reportSchemaMatches;

/** Where a reader's read was taken from: their own document `…/r/<id>`, or their part of the shared one. */
export const READ_SOURCES = ['own', 'shared'] as const;
export type ReadSource = (typeof READ_SOURCES)[number];

const StudyReadsSchema = z.object({
  studyInstanceUid: z.string(),
  phase: ReadingPhaseSchema,
  readersFrom: z.enum(['assigned', 'authors']).describe('`authors`: nobody is assigned; the readers are the reader-role authors of the shared document'),
  readers: z.array(z.object({ userId: z.string(), source: z.enum(READ_SOURCES) })),
  hasConsensus: z.boolean().describe('scores against the consensus are reported (phase final, or the consensus document has annotations or rejections)'),
  imagesFrom: z.enum(['catalog', 'annotations']).describe('`annotations`: the study is not in the local catalog; only annotated images are counted'),
});
export type StudyReadsView = z.infer<typeof StudyReadsSchema>;

export const StudyAgreementView = StudyReadsSchema.extend({
  projectId: z.string(),
  readerNames: z.record(z.string(), z.string()).describe('user id → username of every reader'),
  report: AgreementReportSchema,
});
export type StudyAgreementView = z.infer<typeof StudyAgreementView>;

export const ProjectAgreementView = z.object({
  projectId: z.string(),
  readerNames: z.record(z.string(), z.string()).describe('user id → username of every reader'),
  studies: z.array(StudyReadsSchema).describe('the studies in the report, in the order they were added to the project'),
  withheldStudies: z.number().int().describe('studies left out because their reads are blinded for the caller'),
  report: AgreementReportSchema,
});
export type ProjectAgreementView = z.infer<typeof ProjectAgreementView>;
