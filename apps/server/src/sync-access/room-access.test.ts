import { describe, expect, it } from 'vitest';
import { defaultReadingSession, roomName, type ReadingPhase, type ReadingRoomSession, type Role, type RoomScope } from '@readingroom/model';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import { MemorySessionStore } from '../sessions/memory-session-store';
import { authorizeRoom, decideRoomAccess, type RoomFacts } from './room-access';

const study = (scope: RoomScope) => ({ projectId: 'p1', studyInstanceUid: '1.2.3', scope });
const session = (patch: Partial<ReadingRoomSession> = {}): ReadingRoomSession => ({ ...defaultReadingSession(), ...patch });
const member = (role: Role | null, patch: Partial<ReadingRoomSession> = {}): RoomFacts => ({ projectExists: true, studyInProject: true, memberRole: role, session: session(patch) });
const user = { id: 'u1', isAdmin: false };
const admin = { id: 'root', isAdmin: true };

describe('decideRoomAccess', () => {
  it('lets only global admins open free-form rooms', () => {
    expect(decideRoomAccess(admin, null, null)).toEqual({ ok: true, data: { role: 'admin', projectId: null, studyUid: null, scope: null, readOnly: false } });
    expect(decideRoomAccess(user, null, null)).toEqual({ ok: false, reason: 'not_a_study_room' });
  });

  it('refuses a study room whose project is missing, lacks the study, or does not have the user', () => {
    const room = study({ type: 'shared' });
    expect(decideRoomAccess(user, room, { ...member(null), projectExists: false, studyInProject: false })).toEqual({ ok: false, reason: 'project_not_found' });
    expect(decideRoomAccess(user, room, { ...member('reader'), studyInProject: false })).toEqual({ ok: false, reason: 'study_not_in_project' });
    expect(decideRoomAccess(user, room, member(null))).toEqual({ ok: false, reason: 'not_a_member' });
  });

  it("gives a global admin any well-formed room as admin; without a session (open) read-only in another reader's document and the consensus", () => {
    expect(decideRoomAccess(admin, study({ type: 'shared' }), null)).toMatchObject({ ok: true, data: { role: 'admin', readOnly: false } });
    expect(decideRoomAccess(admin, study({ type: 'consensus' }), null)).toMatchObject({ ok: true, data: { role: 'admin', readOnly: true, lock: 'phase' } });
    expect(decideRoomAccess(admin, study({ type: 'reader', userId: 'u1' }), null)).toMatchObject({ ok: true, data: { readOnly: true } });
  });

  it('makes observers and reviewers read-only and lets readers write the shared document', () => {
    const room = study({ type: 'shared' });
    expect(decideRoomAccess(user, room, member('observer'))).toEqual({
      ok: true,
      data: { role: 'observer', projectId: 'p1', studyUid: '1.2.3', scope: { type: 'shared' }, readOnly: true },
    });
    expect(decideRoomAccess(user, room, member('reviewer'))).toMatchObject({ ok: true, data: { readOnly: true } });
    expect(decideRoomAccess(user, room, member('reader'))).toMatchObject({ ok: true, data: { readOnly: false } });
  });

  it('keeps trainees out of documents that show others\' work, but lets them write their own', () => {
    expect(decideRoomAccess(user, study({ type: 'shared' }), member('trainee'))).toEqual({ ok: false, reason: 'cannot_see_others' });
    expect(decideRoomAccess(user, study({ type: 'consensus' }), member('trainee'))).toEqual({ ok: false, reason: 'cannot_see_others' });
    expect(decideRoomAccess(user, study({ type: 'reader', userId: 'u1' }), member('trainee'))).toMatchObject({ ok: true, data: { readOnly: false } });
  });

  it("lets a reader write only their own reader document; adjudicators and admins look at others' read-only", () => {
    expect(decideRoomAccess(user, study({ type: 'reader', userId: 'u1' }), member('reader'))).toMatchObject({ ok: true, data: { readOnly: false } });
    expect(decideRoomAccess(user, study({ type: 'reader', userId: 'u2' }), member('reader'))).toEqual({ ok: false, reason: 'not_your_document' });
    expect(decideRoomAccess(user, study({ type: 'reader', userId: 'u2' }), member('observer'))).toEqual({ ok: false, reason: 'not_your_document' });
    expect(decideRoomAccess(user, study({ type: 'reader', userId: 'u2' }), member('adjudicator'))).toMatchObject({ ok: true, data: { readOnly: true } });
    expect(decideRoomAccess(user, study({ type: 'reader', userId: 'u2' }), member('admin'))).toMatchObject({ ok: true, data: { readOnly: true } });
  });

  it('lets adjudicators and admins write the consensus during adjudication, other members only read it', () => {
    const room = study({ type: 'consensus' });
    const adjudication = { phase: 'adjudication' } as const;
    expect(decideRoomAccess(user, room, member('adjudicator', adjudication))).toMatchObject({ ok: true, data: { readOnly: false } });
    expect(decideRoomAccess(user, room, member('admin', adjudication))).toMatchObject({ ok: true, data: { readOnly: false } });
    expect(decideRoomAccess(user, room, member('reader'))).toMatchObject({ ok: true, data: { role: 'reader', readOnly: true } });
  });
});

/** `write`, `read` (with the session lock, if any) or the refusal reason, in each phase. */
const PHASES: readonly ReadingPhase[] = ['open', 'blinded', 'adjudication', 'final'];
const outcome = (who: { id: string; isAdmin: boolean }, scope: RoomScope, role: Role | null, patch: Partial<ReadingRoomSession> = {}) =>
  PHASES.map((phase) => {
    const d = decideRoomAccess(who, study(scope), member(role, { ...patch, phase }));
    return d.ok ? (d.data.readOnly ? `read${d.data.lock ? `:${d.data.lock}` : ''}` : 'write') : d.reason;
  });
const SHARED: RoomScope = { type: 'shared' };
const CONSENSUS: RoomScope = { type: 'consensus' };
const mine: RoomScope = { type: 'reader', userId: 'u1' };
const bobs: RoomScope = { type: 'reader', userId: 'bob' };

describe('decideRoomAccess by reading-session phase (docs/reading-sessions.md), phases open / blinded / adjudication / final', () => {
  it('shared document: as before in open; refused to readers and trainees in blinded (blinded_read); read-only outside open', () => {
    expect(outcome(user, SHARED, 'reader')).toEqual(['write', 'blinded_read', 'read:phase', 'read:phase']);
    expect(outcome(user, SHARED, 'trainee')).toEqual(['cannot_see_others', 'blinded_read', 'cannot_see_others', 'cannot_see_others']);
    expect(outcome(user, SHARED, 'adjudicator')).toEqual(['write', 'read:phase', 'read:phase', 'read:phase']);
    expect(outcome(user, SHARED, 'observer')).toEqual(['read', 'read:phase', 'read:phase', 'read:phase']);
    expect(outcome(admin, SHARED, null)).toEqual(['write', 'read:phase', 'read:phase', 'read:phase']);
  });

  it('shared document: a submitted read in an open session is read-only for its reader', () => {
    expect(outcome(user, SHARED, 'reader', { readers: ['u1'], submitted: { u1: 1 } })[0]).toBe('read:submitted');
  });

  it("own r/<me>: writable while open or blinded and not submitted; read-only afterwards", () => {
    expect(outcome(user, mine, 'reader')).toEqual(['write', 'write', 'read:phase', 'read:phase']);
    expect(outcome(user, mine, 'trainee')).toEqual(['write', 'write', 'read:phase', 'read:phase']);
    expect(outcome(user, mine, 'reader', { readers: ['u1'], submitted: { u1: 1 } })).toEqual(Array(4).fill('read:submitted'));
  });

  it("another's r/<u>: admins and adjudicators read-only in any phase", () => {
    expect(outcome(user, bobs, 'adjudicator')).toEqual(Array(4).fill('read'));
    expect(outcome(user, bobs, 'admin')).toEqual(Array(4).fill('read'));
    expect(outcome(admin, bobs, null)).toEqual(Array(4).fill('read'));
  });

  it("another's r/<u>: other readers read-only in adjudication/final when readersMayDiscuss, refused otherwise", () => {
    expect(outcome(user, bobs, 'reader')).toEqual(Array(4).fill('not_your_document'));
    expect(outcome(user, bobs, 'reader', { readersMayDiscuss: true })).toEqual(['not_your_document', 'not_your_document', 'read', 'read']);
  });

  it("another's r/<u>: trainees read-only when revealed, refused otherwise; observers always refused", () => {
    expect(outcome(user, bobs, 'trainee')).toEqual(Array(4).fill('not_your_document'));
    expect(outcome(user, bobs, 'trainee', { revealed: true })).toEqual(Array(4).fill('read'));
    expect(outcome(user, bobs, 'observer', { revealed: true, readersMayDiscuss: true })).toEqual(Array(4).fill('not_your_document'));
  });

  it('consensus: written only by admins and adjudicators, only in adjudication', () => {
    expect(outcome(user, CONSENSUS, 'adjudicator')).toEqual(['read:phase', 'read:phase', 'write', 'read:phase']);
    expect(outcome(user, CONSENSUS, 'admin')).toEqual(['read:phase', 'read:phase', 'write', 'read:phase']);
    expect(outcome(admin, CONSENSUS, null)).toEqual(['read:phase', 'read:phase', 'write', 'read:phase']);
  });

  it('consensus: read-only for observers and reviewers in adjudication/final (and open), refused in blinded', () => {
    expect(outcome(user, CONSENSUS, 'observer')).toEqual(['read', 'blinded_read', 'read', 'read']);
    expect(outcome(user, CONSENSUS, 'reviewer')).toEqual(['read', 'blinded_read', 'read', 'read']);
  });

  it('consensus: read-only for readers in final, in adjudication only when readersMayDiscuss', () => {
    expect(outcome(user, CONSENSUS, 'reader')).toEqual(['read', 'blinded_read', 'blinded_read', 'read']);
    expect(outcome(user, CONSENSUS, 'reader', { readersMayDiscuss: true })).toEqual(['read', 'blinded_read', 'read', 'read']);
  });

  it('consensus: read-only for trainees when revealed, refused otherwise', () => {
    expect(outcome(user, CONSENSUS, 'trainee')).toEqual(Array(4).fill('cannot_see_others'));
    expect(outcome(user, CONSENSUS, 'trainee', { revealed: true })).toEqual(Array(4).fill('read'));
  });
});

describe('authorizeRoom', () => {
  it('looks the project, its studies and the membership up in the store', async () => {
    const projects = new MemoryProjectStore();
    const p = await projects.createProject({ name: 'p', description: '', settings: DEFAULT_SETTINGS, createdBy: 'root' });
    const shared = roomName({ projectId: p.id, studyInstanceUid: '1.2.3', scope: { type: 'shared' } });
    expect(await authorizeRoom(projects, user, shared)).toEqual({ ok: false, reason: 'study_not_in_project' });
    await projects.addStudies(p.id, ['1.2.3'], 'root');
    expect(await authorizeRoom(projects, user, shared)).toEqual({ ok: false, reason: 'not_a_member' });
    await projects.setMember(p.id, user.id, 'reader');
    expect(await authorizeRoom(projects, user, shared)).toMatchObject({ ok: true, data: { role: 'reader', projectId: p.id, studyUid: '1.2.3' } });
    expect(await authorizeRoom(projects, user, roomName({ projectId: 'other', studyInstanceUid: '1.2.3', scope: { type: 'shared' } }))).toEqual({
      ok: false,
      reason: 'project_not_found',
    });
    expect(await authorizeRoom(projects, user, 'scratch')).toEqual({ ok: false, reason: 'not_a_study_room' });
  });

  it("reads the study's session from the session store, for global administrators too", async () => {
    const projects = new MemoryProjectStore();
    const sessions = new MemorySessionStore();
    const p = await projects.createProject({ name: 'p', description: '', settings: DEFAULT_SETTINGS, createdBy: 'root' });
    await projects.addStudies(p.id, ['1.2.3'], 'root');
    await projects.setMember(p.id, user.id, 'reader');
    const shared = roomName({ projectId: p.id, studyInstanceUid: '1.2.3', scope: { type: 'shared' } });
    const consensus = roomName({ projectId: p.id, studyInstanceUid: '1.2.3', scope: { type: 'consensus' } });
    await sessions.modify(p.id, (d) => d.set('1.2.3', { ...d.get('1.2.3'), phase: 'blinded' }));
    expect(await authorizeRoom(projects, user, shared, sessions)).toEqual({ ok: false, reason: 'blinded_read' });
    expect(await authorizeRoom(projects, admin, consensus, sessions)).toMatchObject({ ok: true, data: { readOnly: true, lock: 'phase' } });
  });
});
