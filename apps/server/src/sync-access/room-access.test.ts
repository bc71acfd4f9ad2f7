import { describe, expect, it } from 'vitest';
import { roomName, type Role, type RoomScope } from '@readingroom/model';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import { authorizeRoom, decideRoomAccess, type RoomFacts } from './room-access';

const study = (scope: RoomScope) => ({ projectId: 'p1', studyInstanceUid: '1.2.3', scope });
const member = (role: Role | null): RoomFacts => ({ projectExists: true, studyInProject: true, memberRole: role });
const user = { id: 'u1', isAdmin: false };
const admin = { id: 'root', isAdmin: true };

describe('decideRoomAccess', () => {
  it('lets only global admins open free-form rooms', () => {
    expect(decideRoomAccess(admin, null, null)).toEqual({ ok: true, data: { role: 'admin', projectId: null, studyUid: null, scope: null, readOnly: false } });
    expect(decideRoomAccess(user, null, null)).toEqual({ ok: false, reason: 'not_a_study_room' });
  });

  it('refuses a study room whose project is missing, lacks the study, or does not have the user', () => {
    const room = study({ type: 'shared' });
    expect(decideRoomAccess(user, room, { projectExists: false, studyInProject: false, memberRole: null })).toEqual({ ok: false, reason: 'project_not_found' });
    expect(decideRoomAccess(user, room, { projectExists: true, studyInProject: false, memberRole: 'reader' })).toEqual({ ok: false, reason: 'study_not_in_project' });
    expect(decideRoomAccess(user, room, member(null))).toEqual({ ok: false, reason: 'not_a_member' });
  });

  it('gives a global admin any well-formed room as admin, read-only only in another reader\'s document', () => {
    expect(decideRoomAccess(admin, study({ type: 'shared' }), null)).toMatchObject({ ok: true, data: { role: 'admin', readOnly: false } });
    expect(decideRoomAccess(admin, study({ type: 'consensus' }), null)).toMatchObject({ ok: true, data: { role: 'admin', readOnly: false } });
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

  it('lets adjudicators and admins write the consensus, other members only read it', () => {
    const room = study({ type: 'consensus' });
    expect(decideRoomAccess(user, room, member('adjudicator'))).toMatchObject({ ok: true, data: { readOnly: false } });
    expect(decideRoomAccess(user, room, member('admin'))).toMatchObject({ ok: true, data: { readOnly: false } });
    expect(decideRoomAccess(user, room, member('reader'))).toMatchObject({ ok: true, data: { role: 'reader', readOnly: true } });
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
});
