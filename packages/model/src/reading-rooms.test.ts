import { describe, expect, it } from 'vitest';
import type { Role } from './permissions';
import { decideReadingRoom, seatOf, sessionRoomScope, type ReadingRoomSession } from './reading-rooms';
import { defaultReadingSession, READING_PHASES, type ReadingPhase } from './reading-session';
import type { RoomScope } from './room-name';

const SHARED: RoomScope = { type: 'shared' };
const CONSENSUS: RoomScope = { type: 'consensus' };
const own = (userId: string): RoomScope => ({ type: 'reader', userId });

const session = (patch: Partial<ReadingRoomSession> = {}): ReadingRoomSession => ({ ...defaultReadingSession(), ...patch });
const decide = (userId: string, role: Role, scope: RoomScope, s: ReadingRoomSession) => {
  const d = decideReadingRoom({ userId, role, scope, session: s });
  return d.ok ? (d.readOnly ? `read:${d.because}` : 'write') : d.reason;
};
/** The decision in each phase, in READING_PHASES order. */
const byPhase = (userId: string, role: Role, scope: RoomScope, patch: Partial<ReadingRoomSession> = {}) =>
  READING_PHASES.map((phase) => decide(userId, role, scope, session({ ...patch, phase })));

describe('decideReadingRoom: shared document', () => {
  it('is writable in open for writers and read-only in every other phase', () => {
    expect(byPhase('adam', 'adjudicator', SHARED)).toEqual(['write', 'read:phase', 'read:phase', 'read:phase']);
    expect(byPhase('root', 'admin', SHARED)).toEqual(['write', 'read:phase', 'read:phase', 'read:phase']);
    expect(byPhase('olga', 'observer', SHARED)).toEqual(['read:role', 'read:phase', 'read:phase', 'read:phase']);
  });

  it('refuses readers in blinded (blinded_read) and trainees always', () => {
    expect(byPhase('a', 'reader', SHARED)).toEqual(['write', 'blinded_read', 'read:phase', 'read:phase']);
    expect(byPhase('t', 'trainee', SHARED)).toEqual(['cannot_see_others', 'blinded_read', 'cannot_see_others', 'cannot_see_others']);
  });

  it('locks a submitted read in an open session', () => {
    expect(decide('a', 'reader', SHARED, session({ readers: ['a'], submitted: { a: 1 } }))).toBe('read:submitted');
  });
});

describe("decideReadingRoom: a reader's own document", () => {
  it('is writable by its owner while open or blinded and not submitted, read-only afterwards', () => {
    expect(byPhase('a', 'reader', own('a'))).toEqual(['write', 'write', 'read:phase', 'read:phase']);
    expect(byPhase('t', 'trainee', own('t'))).toEqual(['write', 'write', 'read:phase', 'read:phase']);
    expect(byPhase('a', 'reader', own('a'), { readers: ['a'], submitted: { a: 1 } })).toEqual(['read:submitted', 'read:submitted', 'read:submitted', 'read:submitted']);
  });

  it("keeps an observer's own document read-only", () => {
    expect(decide('olga', 'observer', own('olga'), session({ phase: 'blinded' }))).toBe('read:role');
  });
});

describe("decideReadingRoom: another user's read", () => {
  it('shows it read-only to adjudicators and admins in every phase', () => {
    expect(byPhase('adam', 'adjudicator', own('a'))).toEqual(Array(4).fill('read:not_owner'));
    expect(byPhase('root', 'admin', own('a'))).toEqual(Array(4).fill('read:not_owner'));
  });

  it('shows it to other readers only in adjudication/final with readersMayDiscuss', () => {
    expect(byPhase('b', 'reader', own('a'))).toEqual(Array(4).fill('not_your_document'));
    expect(byPhase('b', 'reader', own('a'), { readersMayDiscuss: true })).toEqual([
      'not_your_document', 'not_your_document', 'read:not_owner', 'read:not_owner',
    ]);
  });

  it('shows it to trainees only when revealed, and never to observers or reviewers', () => {
    expect(byPhase('t', 'trainee', own('u'))).toEqual(Array(4).fill('not_your_document'));
    expect(byPhase('t', 'trainee', own('u'), { revealed: true })).toEqual(Array(4).fill('read:not_owner'));
    expect(byPhase('olga', 'observer', own('a'), { readersMayDiscuss: true, revealed: true })).toEqual(Array(4).fill('not_your_document'));
    expect(byPhase('rita', 'reviewer', own('a'), { readersMayDiscuss: true, revealed: true })).toEqual(Array(4).fill('not_your_document'));
  });
});

describe('decideReadingRoom: consensus', () => {
  it('is written by adjudicators and admins only in adjudication', () => {
    expect(byPhase('adam', 'adjudicator', CONSENSUS)).toEqual(['read:phase', 'read:phase', 'write', 'read:phase']);
    expect(byPhase('root', 'admin', CONSENSUS)).toEqual(['read:phase', 'read:phase', 'write', 'read:phase']);
  });

  it('is read-only for observers and reviewers except in blinded, where it is refused', () => {
    for (const role of ['observer', 'reviewer'] as const) {
      expect(byPhase('w', role, CONSENSUS)).toEqual(['read:not_owner', 'blinded_read', 'read:not_owner', 'read:not_owner']);
    }
  });

  it('is read-only for readers in open and final, and in adjudication only with readersMayDiscuss', () => {
    expect(byPhase('a', 'reader', CONSENSUS)).toEqual(['read:not_owner', 'blinded_read', 'blinded_read', 'read:not_owner']);
    expect(byPhase('a', 'reader', CONSENSUS, { readersMayDiscuss: true })).toEqual(['read:not_owner', 'blinded_read', 'read:not_owner', 'read:not_owner']);
  });

  it('is read-only for trainees only when revealed', () => {
    expect(byPhase('t', 'trainee', CONSENSUS)).toEqual(Array(4).fill('cannot_see_others'));
    expect(byPhase('t', 'trainee', CONSENSUS, { revealed: true })).toEqual(Array(4).fill('read:not_owner'));
  });
});

describe('assigned readers stay blinded whatever their role', () => {
  it('treats an adjudicator who is an assigned reader as a reader', () => {
    const s = session({ phase: 'blinded', readers: ['adam'] });
    expect(seatOf('adam', 'adjudicator', s)).toBe('reader');
    expect(decide('adam', 'adjudicator', SHARED, s)).toBe('blinded_read');
    expect(decide('adam', 'adjudicator', own('b'), s)).toBe('not_your_document');
  });
});

describe('sessionRoomScope', () => {
  const cases: Array<[string, Role, Partial<ReadingRoomSession>, Record<ReadingPhase, RoomScope>]> = [
    ['a', 'reader', {}, { open: SHARED, blinded: own('a'), adjudication: own('a'), final: CONSENSUS }],
    ['a', 'reader', { readersMayDiscuss: true }, { open: SHARED, blinded: own('a'), adjudication: CONSENSUS, final: CONSENSUS }],
    ['t', 'trainee', {}, { open: own('t'), blinded: own('t'), adjudication: own('t'), final: own('t') }],
    ['adam', 'adjudicator', {}, { open: SHARED, blinded: SHARED, adjudication: CONSENSUS, final: CONSENSUS }],
    ['olga', 'observer', {}, { open: SHARED, blinded: SHARED, adjudication: CONSENSUS, final: CONSENSUS }],
  ];

  it('names the room each participant works in, by phase, and the rules always grant it', () => {
    for (const [userId, role, patch, expected] of cases) {
      for (const phase of READING_PHASES) {
        const s = session({ ...patch, phase });
        const scope = sessionRoomScope(userId, role, s);
        expect(scope, `${role} in ${phase}`).toEqual(expected[phase]);
        expect(decideReadingRoom({ userId, role, scope, session: s }).ok, `${role} in ${phase}`).toBe(true);
      }
    }
  });
});
