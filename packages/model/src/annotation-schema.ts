import { z } from 'zod';
import { ConsensusOriginSchema, SourcesSchema } from './consensus-schema';
import { Box2dGeometrySchema, Box3dGeometrySchema } from './geometry-schema';
import { DicomUidSchema, EntityIdSchema, EpochMsSchema, IndexSchema, UserIdSchema } from './primitives';

/** The two annotation kinds of schema version 1. */
export const ANNOTATION_KINDS = ['box2d', 'box3d'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** Reader's confidence, 1 (low) to 5 (high). */
export const ConfidenceSchema = z.number().int().min(1).max(5);
export const NoteSchema = z.string().max(10_000);
export const LabelSchema = z.string().min(1).max(256);

/** Independently edited attributes; each is its own key of the nested `attributes` Y.Map. */
export const AttributesSchema = z.strictObject({
  confidence: ConfidenceSchema.optional(),
  note: NoteSchema.optional(),
});

const commonShape = {
  id: EntityIdSchema,
  studyInstanceUid: DicomUidSchema,
  seriesInstanceUid: DicomUidSchema,
  label: LabelSchema,
  attributes: AttributesSchema,
  /** To whom the finding is attributed (a reader, or a model id for pre-annotations). */
  author: UserIdSchema,
  createdBy: UserIdSchema,
  createdAt: EpochMsSchema,
  /** Last writer of any key of the annotation (last-writer-wins metadata). */
  updatedBy: UserIdSchema,
  updatedAt: EpochMsSchema,
  deleted: z.boolean(),
  deletedBy: UserIdSchema.optional(),
  deletedAt: EpochMsSchema.optional(),
  /** Consensus only: the reader annotations it came from (one atomic value). Written by adjudicators. */
  sources: SourcesSchema.optional(),
  /** Consensus only: how it was made. Written by adjudicators. */
  origin: ConsensusOriginSchema.optional(),
};

export const Box2dAnnotationSchema = z.strictObject({
  ...commonShape,
  kind: z.literal('box2d'),
  sopInstanceUid: DicomUidSchema,
  frameIndex: IndexSchema.default(0),
  geometry: Box2dGeometrySchema,
});

export const Box3dAnnotationSchema = z.strictObject({
  ...commonShape,
  kind: z.literal('box3d'),
  geometry: Box3dGeometrySchema,
});

/** One annotation as read out of the document (a plain object). */
export const AnnotationSchema = z
  .discriminatedUnion('kind', [Box2dAnnotationSchema, Box3dAnnotationSchema])
  .superRefine((a, ctx) => {
    if (a.deleted && a.deletedBy === undefined) {
      ctx.addIssue({ code: 'custom', path: ['deletedBy'], message: 'a deleted annotation needs deletedBy' });
    }
    if (a.deleted && a.deletedAt === undefined) {
      ctx.addIssue({ code: 'custom', path: ['deletedAt'], message: 'a deleted annotation needs deletedAt' });
    }
    // Provenance of consensus annotations: sources come with an origin; only `manual` has none.
    if (a.sources !== undefined && a.origin === undefined) {
      ctx.addIssue({ code: 'custom', path: ['origin'], message: 'an annotation with sources needs an origin' });
    }
    if (a.origin !== undefined && a.origin !== 'manual' && a.sources === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sources'], message: `origin ${a.origin} needs sources` });
    }
    if (a.origin === 'taken' && a.sources !== undefined && a.sources.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['sources'], message: 'a taken annotation has exactly one source' });
    }
  });

export type Attributes = z.infer<typeof AttributesSchema>;
export type Box2dAnnotation = z.infer<typeof Box2dAnnotationSchema>;
export type Box3dAnnotation = z.infer<typeof Box3dAnnotationSchema>;
export type Annotation = z.infer<typeof AnnotationSchema>;
