import { parseRoomName, type Vote, type VoteValue } from '@readingroom/model';
import type { DiscussionRoom } from '../lib/api-client';

/** Agree and disagree counts of one annotation, and the caller's own vote. */
export interface VoteTally {
  readonly agree: number;
  readonly disagree: number;
  readonly mine: VoteValue | null;
}

/** Counts the votes on `annotationId` and finds `userId`'s own among them. */
export function tallyVotes(votes: readonly Vote[], annotationId: string, userId: string | null): VoteTally {
  let agree = 0;
  let disagree = 0;
  let mine: VoteValue | null = null;
  for (const vote of votes) {
    if (vote.annotationId !== annotationId) continue;
    if (vote.vote === 'agree') agree++;
    else disagree++;
    if (userId !== null && vote.userId === userId) mine = vote.vote;
  }
  return { agree, disagree, mine };
}

/** The document a sync room name stands for, as the comment and vote routes name it (null: not a study room). */
export function discussionRoomOf(room: string): DiscussionRoom | null {
  const scope = parseRoomName(room)?.scope;
  if (!scope) return null;
  return scope.type === 'reader' ? { reader: scope.userId } : scope.type;
}
