import { describe, expect, it } from 'vitest';
import {
  assignSession,
  balanceReaders,
  defaultReadingSession,
  pickLeastLoaded,
  readerLoad,
  ReadingSessionSchema,
  setSessionFlags,
  setSessionPhase,
  studyStatus,
  submitRead,
  type ReadingSession,
} from './reading-session';
import type { Role } from './permissions';

const session = (patch: Partial<ReadingSession> = {}): ReadingSession => ({ ...defaultReadingSession(), ...patch });
const admin = { userId: 'root', role: 'admin' as const };
const adjudicator = { userId: 'adam', role: 'adjudicator' as const };

describe('studyStatus', () => {
  it('is unassigned without readers, reading until every assigned reader submitted, then waiting for adjudication', () => {
    expect(studyStatus(session())).toBe('unassigned');
    const three = session({ phase: 'blinded', readers: ['a', 'b', 'c'] });
    expect(studyStatus(three)).toBe('reading');
    expect(studyStatus({ ...three, submitted: { a: 1 } })).toBe('reading');
    expect(studyStatus({ ...three, submitted: { a: 1, b: 2 } })).toBe('reading');
    expect(studyStatus({ ...three, submitted: { a: 1, b: 2, c: 3 } })).toBe('waiting_for_adjudication');
  });

  it('ignores submissions of users who are no longer assigned, and lets the phase decide adjudicating and final', () => {
    expect(studyStatus(session({ readers: ['a'], submitted: { x: 1 } }))).toBe('reading');
    expect(studyStatus(session({ phase: 'adjudication' }))).toBe('adjudicating');
    expect(studyStatus(session({ phase: 'final', readers: ['a'] }))).toBe('final');
  });
});

describe('transitions', () => {
  it('lets adjudicators and admins set any phase, and refuses other roles', () => {
    for (const phase of ['open', 'blinded', 'adjudication', 'final'] as const) {
      expect(setSessionPhase(session(), phase, adjudicator)).toEqual({ ok: true, session: session({ phase }) });
      expect(setSessionPhase(session(), phase, admin)).toMatchObject({ ok: true });
    }
    for (const role of ['reader', 'reviewer', 'observer', 'trainee'] as const) {
      expect(setSessionPhase(session(), 'blinded', { userId: 'u', role })).toMatchObject({ ok: false, code: 'not_allowed' });
    }
  });

  it('reopens a final study for admins only', () => {
    const final = session({ phase: 'final' });
    expect(setSessionPhase(final, 'adjudication', adjudicator)).toMatchObject({ ok: false, code: 'reopen_needs_admin' });
    expect(setSessionPhase(final, 'final', adjudicator)).toMatchObject({ ok: true });
    expect(setSessionPhase(final, 'adjudication', admin)).toEqual({ ok: true, session: session({ phase: 'adjudication' }) });
  });

  it('lets an assigned reader or a trainee submit their own read once, only while reading', () => {
    const s = session({ phase: 'blinded', readers: ['a'] });
    const first = submitRead(s, { userId: 'a', role: 'reader' }, 1000);
    expect(first).toEqual({ ok: true, session: { ...s, submitted: { a: 1000 } } });
    if (!first.ok) throw new Error('unreachable');
    expect(submitRead(first.session, { userId: 'a', role: 'reader' }, 2000)).toMatchObject({ ok: false, code: 'already_submitted' });
    expect(submitRead(s, { userId: 'b', role: 'reader' }, 1)).toMatchObject({ ok: false, code: 'not_assigned' });
    expect(submitRead(s, { userId: 'adam', role: 'adjudicator' }, 1)).toMatchObject({ ok: false, code: 'not_assigned' });
    expect(submitRead(s, { userId: 't', role: 'trainee' }, 5)).toMatchObject({ ok: true, session: { submitted: { t: 5 } } });
    expect(submitRead({ ...s, phase: 'adjudication' }, { userId: 'a', role: 'reader' }, 1)).toMatchObject({ ok: false, code: 'not_reading' });
  });

  it('sets only the flags given, by adjudicators and admins', () => {
    expect(setSessionFlags(session({ revealed: true }), { readersMayDiscuss: true }, adjudicator)).toMatchObject({
      ok: true,
      session: { readersMayDiscuss: true, revealed: true },
    });
    expect(setSessionFlags(session(), { revealed: true }, { userId: 't', role: 'trainee' })).toMatchObject({ ok: false, code: 'not_allowed' });
  });

  it('assigns only readers and trainees as readers and adjudicators or admins as adjudicators, keeping submissions', () => {
    const members = new Map<string, Role>([['a', 'reader'], ['t', 'trainee'], ['o', 'observer'], ['adam', 'adjudicator']]);
    const s = session({ submitted: { a: 1 } });
    expect(assignSession(s, { readers: ['a', 't'], adjudicators: ['adam'] }, admin, members)).toEqual({
      ok: true,
      session: { ...s, readers: ['a', 't'], adjudicators: ['adam'] },
    });
    expect(assignSession(s, { readers: ['o'] }, admin, members)).toMatchObject({ ok: false, code: 'not_a_reader' });
    expect(assignSession(s, { readers: ['stranger'] }, admin, members)).toMatchObject({ ok: false, code: 'not_a_reader' });
    expect(assignSession(s, { adjudicators: ['a'] }, admin, members)).toMatchObject({ ok: false, code: 'not_an_adjudicator' });
    expect(assignSession(s, { readers: ['a'] }, { userId: 'a', role: 'reader' }, members)).toMatchObject({ ok: false, code: 'not_allowed' });
  });
});

describe('reader selection', () => {
  it('picks the least-loaded readers, ties broken by user id, and null when there are too few', () => {
    const load = new Map([['c', 0], ['a', 2], ['b', 0]]);
    expect(pickLeastLoaded(['a', 'b', 'c', 'd'], load, 3)).toEqual(['b', 'c', 'd']);
    expect(pickLeastLoaded(['a', 'b'], load, 3)).toBeNull();
  });

  it('balances readers across studies so that loads differ by at most one', () => {
    const plan = balanceReaders(['s1', 's2', 's3', 's4', 's5'], 2, ['r3', 'r1', 'r2'], new Map());
    expect(plan).not.toBeNull();
    const load = readerLoad([...plan!.values()].map((readers) => ({ readers })));
    expect([...load.values()].sort()).toEqual([3, 3, 4]);
    expect(plan!.get('s1')).toEqual(['r1', 'r2']);
    expect(plan!.get('s2')).toEqual(['r3', 'r1']);
    expect(balanceReaders(['s1'], 4, ['r1', 'r2'], new Map())).toBeNull();
  });
});

describe('ReadingSessionSchema', () => {
  it('accepts the default session and refuses a reader listed twice or an unknown phase', () => {
    expect(ReadingSessionSchema.safeParse(defaultReadingSession()).success).toBe(true);
    expect(ReadingSessionSchema.safeParse(session({ readers: ['a', 'a'] })).success).toBe(false);
    expect(ReadingSessionSchema.safeParse({ ...session(), phase: 'closed' }).success).toBe(false);
  });
});
