import { describe, expect, it } from 'vitest';
import { createProjectAccess } from '../project-access';
import { projectTestApp } from './test-app';
import { verifyPassword } from '../../users/password';

const STUDY = '1.2.840.113619.2.55.3.1';
const nodule = { name: 'nodule', colour: '#ff0000', hotkey: 'n', kind: 'box2d', attributes: [{ key: 'malignancy', type: 'enum', options: ['benign', 'malignant'] }] };

describe('/api/projects/:id/members', () => {
  it('lists members with usernames, adds one by username, changes a role and removes a member', async () => {
    const { call, people, lungProject } = await projectTestApp();
    const id = await lungProject();
    const added = await call(people.carol, 'POST', `/api/projects/${id}/members`, { username: 'bob', role: 'observer' });
    expect(added.json).toEqual({ userId: people.bob.id, username: 'bob', role: 'observer' });
    await call(people.carol, 'PUT', `/api/projects/${id}/members/${people.bob.id}`, { role: 'adjudicator' });
    const list = await call(people.carol, 'GET', `/api/projects/${id}/members`);
    expect(list.json.members.map((m: { username: string; role: string }) => `${m.username}:${m.role}`).sort()).toEqual([
      'alice:reader', 'bob:adjudicator', 'carol:admin',
    ]);
    expect((await call(people.carol, 'DELETE', `/api/projects/${id}/members/${people.bob.id}`)).status).toBe(204);
    expect((await call(people.carol, 'DELETE', `/api/projects/${id}/members/${people.bob.id}`)).status).toBe(404);
  });

  it('refuses member changes by a reader, unknown users and unknown roles', async () => {
    const { call, people, lungProject } = await projectTestApp();
    const id = await lungProject();
    expect((await call(people.alice, 'POST', `/api/projects/${id}/members`, { username: 'bob', role: 'admin' })).status).toBe(403);
    expect((await call(people.alice, 'GET', `/api/projects/${id}/members`)).status).toBe(403);
    const unknown = await call(people.carol, 'POST', `/api/projects/${id}/members`, { username: 'nobody', role: 'reader' });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'user_not_found']);
    expect((await call(people.carol, 'PUT', `/api/projects/${id}/members/${people.bob.id}`, { role: 'boss' })).status).toBe(400);
  });
});

describe('/api/projects/:id/labels', () => {
  it('creates, lists in order, updates and deletes label classes', async () => {
    const { call, people, lungProject } = await projectTestApp();
    const id = await lungProject();
    const created = await call(people.carol, 'POST', `/api/projects/${id}/labels`, nodule);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ...nodule, order: 0 });
    await call(people.carol, 'POST', `/api/projects/${id}/labels`, { name: 'mass', colour: '#00ff00' });
    const list = await call(people.alice, 'GET', `/api/projects/${id}/labels`);
    expect(list.json.labels.map((l: { name: string; hotkey: string | null; kind: string }) => [l.name, l.hotkey, l.kind])).toEqual([
      ['nodule', 'n', 'box2d'], ['mass', null, 'box2d'],
    ]);
    const patched = await call(people.carol, 'PATCH', `/api/projects/${id}/labels/${created.json.id}`, { colour: '#0000ff', hotkey: null });
    expect(patched.json).toMatchObject({ name: 'nodule', colour: '#0000ff', hotkey: null });
    expect((await call(people.carol, 'DELETE', `/api/projects/${id}/labels/${created.json.id}`)).status).toBe(204);
    expect((await call(people.carol, 'DELETE', `/api/projects/${id}/labels/${created.json.id}`)).status).toBe(404);
  });

  it('answers 403 to a reader changing labels', async () => {
    const { call, people, lungProject } = await projectTestApp();
    const id = await lungProject();
    const label = await call(people.carol, 'POST', `/api/projects/${id}/labels`, nodule);
    expect((await call(people.alice, 'POST', `/api/projects/${id}/labels`, { ...nodule, name: 'x', hotkey: 'x' })).status).toBe(403);
    expect((await call(people.alice, 'PATCH', `/api/projects/${id}/labels/${label.json.id}`, { colour: '#000000' })).status).toBe(403);
    expect((await call(people.alice, 'DELETE', `/api/projects/${id}/labels/${label.json.id}`)).status).toBe(403);
    expect((await call(people.bob, 'GET', `/api/projects/${id}/labels`)).status).toBe(403);
  });

  it('answers 409 for a duplicate label name or hotkey in the project', async () => {
    const { call, people, lungProject } = await projectTestApp();
    const id = await lungProject();
    await call(people.carol, 'POST', `/api/projects/${id}/labels`, nodule);
    const name = await call(people.carol, 'POST', `/api/projects/${id}/labels`, { ...nodule, hotkey: 'm' });
    expect([name.status, name.json.error.code]).toEqual([409, 'label_name_taken']);
    const hotkey = await call(people.carol, 'POST', `/api/projects/${id}/labels`, { ...nodule, name: 'mass' });
    expect([hotkey.status, hotkey.json.error.code]).toEqual([409, 'label_hotkey_taken']);
    const mass = await call(people.carol, 'POST', `/api/projects/${id}/labels`, { ...nodule, name: 'mass', hotkey: 'm' });
    expect((await call(people.carol, 'PATCH', `/api/projects/${id}/labels/${mass.json.id}`, { hotkey: 'n' })).status).toBe(409);
  });

  it('answers 400 for a bad colour, a multi-character hotkey or an enum attribute without options', async () => {
    const { call, people, lungProject } = await projectTestApp();
    const id = await lungProject();
    const res = await call(people.carol, 'POST', `/api/projects/${id}/labels`, {
      name: 'x', colour: 'red', hotkey: 'ab', kind: 'polygon', attributes: [{ key: 'grade', type: 'enum' }],
    });
    expect(res.status).toBe(400);
    expect(res.json.error.issues.map((i: { path: string[] }) => i.path.join('.')).sort()).toEqual(['attributes.0.options', 'colour', 'hotkey', 'kind']);
  });
});

describe('/api/projects/:id/studies', () => {
  it('adds, lists and removes studies, which grants members access to them', async () => {
    const { call, people, projects, lungProject } = await projectTestApp();
    const id = await lungProject();
    const access = createProjectAccess(projects);
    expect(await access.canAccessStudy(people.alice, STUDY)).toBe(false);
    const added = await call(people.carol, 'POST', `/api/projects/${id}/studies`, { studyInstanceUids: [STUDY, STUDY] });
    expect(added.json).toEqual({ added: 1 });
    const list = await call(people.alice, 'GET', `/api/projects/${id}/studies`);
    expect(list.json.studies).toEqual([{ studyInstanceUid: STUDY, addedAt: expect.any(String), addedBy: people.carol.id }]);
    expect(await access.canAccessStudy(people.alice, STUDY)).toBe(true);
    expect(await access.canAccessStudy(people.bob, STUDY)).toBe(false);
    expect((await call(people.alice, 'DELETE', `/api/projects/${id}/studies/${STUDY}`)).status).toBe(403);
    expect((await call(people.carol, 'DELETE', `/api/projects/${id}/studies/${STUDY}`)).status).toBe(204);
    expect((await call(people.carol, 'DELETE', `/api/projects/${id}/studies/${STUDY}`)).status).toBe(404);
    expect(await access.canAccessStudy(people.alice, STUDY)).toBe(false);
  });

  it('answers 400 for study UIDs that are not DICOM UIDs or an empty list', async () => {
    const { call, people, lungProject } = await projectTestApp();
    const id = await lungProject();
    expect((await call(people.carol, 'POST', `/api/projects/${id}/studies`, { studyInstanceUids: ['1.2.abc'] })).status).toBe(400);
    expect((await call(people.carol, 'POST', `/api/projects/${id}/studies`, { studyInstanceUids: [] })).status).toBe(400);
  });
});

describe('GET /api/users', () => {
  it('lists users without password hashes for global admins and answers 403 to others', async () => {
    const { call, people } = await projectTestApp();
    const res = await call(people.root, 'GET', '/api/users');
    expect(res.json.users).toContainEqual({ id: people.bob.id, username: 'bob', isAdmin: false });
    expect(res.text).not.toContain('passwordHash');
    expect((await call(people.carol, 'GET', '/api/users')).status).toBe(403);
  });
});

describe('POST /api/users', () => {
  it('lets a global admin create a user, generating a password that works, and refuses others and duplicates', async () => {
    const { call, people, users } = await projectTestApp();
    const res = await call(people.root, 'POST', '/api/users', { username: 'dora' });
    expect(res.status).toBe(201);
    const { password } = res.json as { password: string };
    const stored = await users.findByUsername('dora');
    expect(await verifyPassword(password, stored!.passwordHash)).toBe(true);
    expect((await call(people.root, 'POST', '/api/users', { username: 'dora', password: 'another-password' })).status).toBe(409);
    expect((await call(people.carol, 'POST', '/api/users', { username: 'eve', password: 'eve-password-1' })).status).toBe(403);
    expect((await call(people.root, 'POST', '/api/users', { username: 'Bad Name', password: 'x' })).status).toBe(400);
  });
});
