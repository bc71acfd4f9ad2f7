import { defaultReadingSession, roomName, type ReadingSession } from '@readingroom/model';
import { describe, expect, it } from 'vitest';
import { mayWriteMyRoom, personName, readOnlyReason, type ReadingSessionView } from './reading-session';

const study = { projectId: 'p1', studyInstanceUid: '1.2.3' };
const own = (userId: string) => roomName({ ...study, scope: { type: 'reader', userId } });
const consensus = roomName({ ...study, scope: { type: 'consensus' } });

function view(session: Partial<ReadingSession>, myRoom: string, extra: Partial<ReadingSessionView> = {}): ReadingSessionView {
  return {
    ...defaultReadingSession(),
    ...session,
    ...study,
    status: 'reading',
    myRoom,
    myRead: 'reading',
    canSubmit: false,
    canAdjudicate: false,
    canManage: false,
    people: {},
    ...extra,
  };
}

describe('mayWriteMyRoom and readOnlyReason', () => {
  it("lets a reader write their own document while blinded, and locks it once their read is submitted", () => {
    const reading = view({ phase: 'blinded', readers: ['u1'] }, own('u1'));
    expect(mayWriteMyRoom(reading, 'u1', 'reader')).toBe(true);
    expect(readOnlyReason(reading, 'u1', 'reader')).toBeNull();
    const submitted = view({ phase: 'blinded', readers: ['u1'], submitted: { u1: 1 } }, own('u1'));
    expect(mayWriteMyRoom(submitted, 'u1', 'reader')).toBe(false);
    expect(readOnlyReason(submitted, 'u1', 'reader')).toMatch(/submitted/);
  });

  it('lets an adjudicator write the consensus only in adjudication', () => {
    expect(mayWriteMyRoom(view({ phase: 'adjudication' }, consensus), 'a1', 'adjudicator')).toBe(true);
    const final = view({ phase: 'final' }, consensus);
    expect(mayWriteMyRoom(final, 'a1', 'adjudicator')).toBe(false);
    expect(readOnlyReason(final, 'a1', 'adjudicator')).toMatch(/final/);
  });

  it('keeps an observer read-only whatever the phase, and says it is the role', () => {
    const open = view({ phase: 'open' }, roomName({ ...study, scope: { type: 'shared' } }));
    expect(mayWriteMyRoom(open, 'o1', 'observer')).toBe(false);
    expect(readOnlyReason(open, 'o1', 'observer')).toMatch(/role/);
  });

  it("locks a trainee's own read when the phase moves to adjudication", () => {
    const trainee = view({ phase: 'adjudication', readers: ['t1'] }, own('t1'));
    expect(mayWriteMyRoom(trainee, 't1', 'trainee')).toBe(false);
    expect(readOnlyReason(trainee, 't1', 'trainee')).toMatch(/adjudication phase/);
  });

  it('refuses to write a room that is not a study room', () => {
    expect(mayWriteMyRoom(view({ phase: 'open' }, 'free-form'), 'u1', 'admin')).toBe(false);
  });
});

describe('personName', () => {
  it('gives the username the view names, else the fallback (a reader without a name, or no view yet)', () => {
    const named = view({ readers: ['u1', 'u2'] }, own('u1'), { people: { u1: { username: 'ann', role: 'reader' } } });
    expect(personName(named, 'u1', 'Reader 1')).toBe('ann');
    expect(personName(named, 'u2', 'Reader 2')).toBe('Reader 2');
    expect(personName(null, 'u1', 'Reader 1')).toBe('Reader 1');
  });
});
