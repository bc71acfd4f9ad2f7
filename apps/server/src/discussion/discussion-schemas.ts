import { z } from 'zod';
import { CommentSchema, CommentTargetSchema, EntityIdSchema, UserIdSchema, VOTE_VALUES, VoteSchema, type RoomScope } from '@readingroom/model';
import { StudyParams } from '../projects/project-api-schemas';

// Request and response shapes of the comment and vote routes; the routes parse with these and
// the OpenAPI document is generated from them.

/** Which document of the study: the shared one, the consensus, or one reader's read. */
export const DiscussionRoomSchema = z
  .union([z.enum(['shared', 'consensus']), z.strictObject({ reader: UserIdSchema })])
  .describe('"shared", "consensus", or {"reader": userId} for that reader\'s document');
export type DiscussionRoom = z.infer<typeof DiscussionRoomSchema>;

export const CommentBody = z.strictObject({
  room: DiscussionRoomSchema,
  target: CommentTargetSchema,
  text: CommentSchema.shape.text,
});

export const VoteBody = z.strictObject({
  room: DiscussionRoomSchema,
  vote: z.enum(VOTE_VALUES),
});

/** The room of a DELETE, in the query: `?room=shared|consensus`, or `?room=reader&reader=<userId>`. */
export const VoteRoomQuery = z.object({
  room: z.enum(['shared', 'consensus', 'reader']),
  reader: UserIdSchema.optional().describe('the reader whose document it is; required with room=reader'),
});

export const VoteParams = StudyParams.extend({ annotationId: EntityIdSchema });

export const CommentView = z.object({ comment: CommentSchema });
export const VoteView = z.object({ vote: VoteSchema });

/** The document scope a request names. */
export function scopeOf(room: DiscussionRoom): RoomScope {
  if (typeof room === 'object') return { type: 'reader', userId: room.reader };
  return { type: room };
}
