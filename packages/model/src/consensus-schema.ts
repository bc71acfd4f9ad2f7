import { z } from 'zod';
import { EntityIdSchema, EpochMsSchema, UserIdSchema } from './primitives';

/** Most reader annotations one consensus annotation may name as its sources. */
export const MAX_SOURCES = 64;

/** One reader annotation a consensus annotation came from (it lives in that reader's read). */
export const ConsensusSourceSchema = z.strictObject({
  readerId: UserIdSchema,
  annotationId: EntityIdSchema,
});

/** The `sources` of a consensus annotation: 1–64 distinct reader annotations, one atomic value. */
export const SourcesSchema = z
  .array(ConsensusSourceSchema)
  .min(1)
  .max(MAX_SOURCES)
  .superRefine((sources, ctx) => {
    const seen = new Set<string>();
    sources.forEach((s, i) => {
      const key = sourceKey(s);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: 'a source may be listed only once' });
      seen.add(key);
    });
  });

/**
 * How a consensus annotation was made: `fused` (boxes of several readers combined), `majority`
 * (what most readers drew), `taken` (one reader's box copied), `manual` (drawn by the adjudicator).
 */
export const CONSENSUS_ORIGINS = ['fused', 'majority', 'taken', 'manual'] as const;
export type ConsensusOrigin = (typeof CONSENSUS_ORIGINS)[number];
export const ConsensusOriginSchema = z.enum(CONSENSUS_ORIGINS);

/** A reviewer's opinion of an annotation. */
export const VOTE_VALUES = ['agree', 'disagree'] as const;
export type VoteValue = (typeof VOTE_VALUES)[number];

/** An adjudicator's rejection of one reader annotation (stored under `rejectionKey`). */
export const RejectionSchema = z.strictObject({
  readerId: UserIdSchema,
  annotationId: EntityIdSchema,
  by: UserIdSchema,
  at: EpochMsSchema,
  reason: z.string().min(1).max(2_000).optional(),
});

/** One user's vote on one annotation of the same document (stored under `voteKey`). */
export const VoteSchema = z.strictObject({
  annotationId: EntityIdSchema,
  userId: UserIdSchema,
  vote: z.enum(VOTE_VALUES),
  at: EpochMsSchema,
});

/** `<readerId>:<annotationId>`: the key of a source's rejection in `rejections`. */
export function rejectionKey(source: { readonly readerId: string; readonly annotationId: string }): string {
  return sourceKey(source);
}

/** `<annotationId>:<userId>`: the key of a user's vote in `votes`. */
export function voteKey(vote: { readonly annotationId: string; readonly userId: string }): string {
  return `${vote.annotationId}:${vote.userId}`;
}

function sourceKey(source: { readonly readerId: string; readonly annotationId: string }): string {
  return `${source.readerId}:${source.annotationId}`;
}

export type ConsensusSource = z.infer<typeof ConsensusSourceSchema>;
export type Rejection = z.infer<typeof RejectionSchema>;
export type Vote = z.infer<typeof VoteSchema>;
