import { describe, expect, it } from 'vitest';
import type { Vote } from '@readingroom/model';
import { discussionRoomOf, tallyVotes } from './vote-tally';

const vote = (annotationId: string, userId: string, value: Vote['vote']): Vote => ({ annotationId, userId, vote: value, at: 1 });

describe('tallyVotes', () => {
  const votes = [vote('box-a', 'u1', 'agree'), vote('box-a', 'u2', 'disagree'), vote('box-a', 'u3', 'disagree'), vote('box-b', 'u1', 'disagree')];

  it("counts only the votes on the given annotation and finds the caller's own", () => {
    expect(tallyVotes(votes, 'box-a', 'u2')).toEqual({ agree: 1, disagree: 2, mine: 'disagree' });
    expect(tallyVotes(votes, 'box-b', 'u1')).toEqual({ agree: 0, disagree: 1, mine: 'disagree' });
  });

  it('reports no own vote for a caller who did not vote, or an unknown caller', () => {
    expect(tallyVotes(votes, 'box-b', 'u2').mine).toBeNull();
    expect(tallyVotes(votes, 'box-a', null)).toEqual({ agree: 1, disagree: 2, mine: null });
    expect(tallyVotes([], 'box-a', 'u1')).toEqual({ agree: 0, disagree: 0, mine: null });
  });
});

describe('discussionRoomOf', () => {
  it('names the shared, consensus and reader documents as the comment and vote routes expect', () => {
    expect(discussionRoomOf('p/proj-1/s/1.2.3')).toBe('shared');
    expect(discussionRoomOf('p/proj-1/s/1.2.3/consensus')).toBe('consensus');
    expect(discussionRoomOf('p/proj-1/s/1.2.3/r/user-9')).toEqual({ reader: 'user-9' });
  });

  it('gives null for a room that is not a study document', () => {
    expect(discussionRoomOf('free-form-room')).toBeNull();
  });
});
