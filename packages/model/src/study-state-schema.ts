import { z } from 'zod';
import { DicomUidSchema, EntityIdSchema, EpochMsSchema, IndexSchema, UserIdSchema } from './primitives';

/** The levels at which a reader can record a review outcome. */
export const REVIEW_LEVELS = ['study', 'series', 'image'] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];

/** `no_finding`: reviewed and normal. `excluded_poor_quality`: unusable, `reason` says why. */
export const IMAGE_STATUSES = ['no_finding', 'excluded_poor_quality'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export const StudyTargetSchema = z.strictObject({
  level: z.literal('study'),
  studyInstanceUid: DicomUidSchema,
});
export const SeriesTargetSchema = z.strictObject({
  level: z.literal('series'),
  studyInstanceUid: DicomUidSchema,
  seriesInstanceUid: DicomUidSchema,
});
export const ImageTargetSchema = z.strictObject({
  level: z.literal('image'),
  studyInstanceUid: DicomUidSchema,
  seriesInstanceUid: DicomUidSchema,
  sopInstanceUid: DicomUidSchema,
  frameIndex: IndexSchema.default(0),
});

/** What an image state is about: a whole study, one series, or one image (frame). */
export const ReviewTargetSchema = z.discriminatedUnion('level', [
  StudyTargetSchema,
  SeriesTargetSchema,
  ImageTargetSchema,
]);

const stateShape = {
  status: z.enum(IMAGE_STATUSES),
  reason: z.string().min(1).max(2_000).optional(),
  setBy: UserIdSchema,
  setAt: EpochMsSchema,
};

function checkReason(s: { status: ImageStatus; reason?: string | undefined }, ctx: z.RefinementCtx): void {
  if (s.status === 'excluded_poor_quality' && s.reason === undefined) {
    ctx.addIssue({ code: 'custom', path: ['reason'], message: 'an exclusion needs a reason' });
  }
  if (s.status === 'no_finding' && s.reason !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['reason'], message: 'no_finding takes no reason' });
  }
}

/**
 * A study-, series- or image-level review outcome. One atomic value per target: concurrent
 * writers of the same target resolve to exactly one of them (last writer wins).
 */
export const ImageStateSchema = z
  .discriminatedUnion('level', [
    StudyTargetSchema.extend(stateShape),
    SeriesTargetSchema.extend(stateShape),
    ImageTargetSchema.extend(stateShape),
  ])
  .superRefine(checkReason);

/** The outcome part of an image state, as given to `StudyDocument.setImageState`. */
export const ImageStateInputSchema = z
  .discriminatedUnion('status', [
    z.strictObject({ status: z.literal('no_finding') }),
    z.strictObject({ status: z.literal('excluded_poor_quality'), reason: z.string().min(1).max(2_000) }),
  ]);

export const CommentTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('study') }),
  z.strictObject({ type: z.literal('annotation'), annotationId: EntityIdSchema }),
]);

/** A comment on the study or on one annotation. Stored as one atomic value; never edited in place. */
export const CommentSchema = z
  .strictObject({
    id: EntityIdSchema,
    author: UserIdSchema,
    text: z.string().min(1).max(10_000),
    createdAt: EpochMsSchema,
    target: CommentTargetSchema,
    deleted: z.boolean().optional(),
    deletedBy: UserIdSchema.optional(),
    deletedAt: EpochMsSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.deleted === true && (c.deletedBy === undefined || c.deletedAt === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['deletedBy'], message: 'a deleted comment needs deletedBy and deletedAt' });
    }
  });

export type ReviewTarget = z.input<typeof ReviewTargetSchema>;
export type ImageState = z.infer<typeof ImageStateSchema>;
export type ImageStateInput = z.infer<typeof ImageStateInputSchema>;
export type CommentTarget = z.infer<typeof CommentTargetSchema>;
export type Comment = z.infer<typeof CommentSchema>;
