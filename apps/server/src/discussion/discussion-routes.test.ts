import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { roomName, StudyDocument, type Role, type RoomScope } from '@readingroom/model';
import { MemoryStorage, SyncServer, silentLogger, type ConnectionIdentity } from '@readingroom/sync-server';
import { FakeClient, until } from '@readingroom/testing';
import type { AuditEvent } from '../audit/audit-log';
import { documentAuditHooks } from '../audit/document-audit';
import { createAuthenticate } from '../auth/authenticate';
import { createTokenService } from '../auth/tokens';
import { createApp } from '../http/create-app';
import { toOpenApiPath } from '../openapi/registry';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { composeHooks } from '../sync-hooks';
import type { SyncAccessData } from '../sync-access/access-data';
import { createAcceptUpdate } from '../sync-access/accept-update';
import { MemoryClientIdRegistry } from '../sync-access/client-id-registry';
import { authorizeRoom } from '../sync-access/room-access';
import { MemoryUserStore } from '../users/memory-user-store';

const STUDY = '1.2.826.0.1.3680043.8.498.5';
const SERIES = `${STUDY}.1`;
const SOP = `${SERIES}.1`;
const ROLES_IN_TEST: Record<string, Role | null> = {
  rita: 'reviewer',
  olga: 'observer',
  alice: 'reader',
  tom: 'trainee',
  adam: 'adjudicator',
  nina: null, // not a member
};

/** The HTTP app with the discussion routes over a real sync core (memory storage, the real accept step and audit hooks). */
async function setup() {
  const users = new MemoryUserStore();
  const projects = new MemoryProjectStore();
  const tokens = createTokenService({ secret: 's'.repeat(40), ttlSeconds: 3600 });
  const audited: AuditEvent[] = [];
  const storage = new MemoryStorage();
  const sync = new SyncServer({
    storage,
    unloadDelayMs: 0,
    flushDelayMs: 1,
    hooks: composeHooks(
      { acceptUpdate: createAcceptUpdate({ clientIds: new MemoryClientIdRegistry(), taxonomy: () => 'any', images: { images: () => null, sizeOf: () => null, noteMiss: () => {} } }) },
      documentAuditHooks({ sink: { record: (events) => audited.push(...events) }, logger: silentLogger }),
    ),
  });
  const app = createApp({
    users,
    projects,
    tokens,
    authenticate: createAuthenticate(tokens, users),
    registry: new Registry(),
    isReady: () => true,
    logger: silentLogger,
    discussion: { authorize: (user, room) => authorizeRoom(projects, user, room), documents: sync },
  });
  const project = await projects.createProject({ name: 'Lung', description: '', settings: { forceDeidentify: false, source: { type: 'local' } }, createdBy: 'x' });
  await projects.addStudies(project.id, [STUDY], 'x');
  const ids: Record<string, string> = {};
  const tokenOf: Record<string, string> = {};
  for (const [name, role] of Object.entries(ROLES_IN_TEST)) {
    const user = await users.create({ username: name, passwordHash: 'x', isAdmin: false });
    ids[name] = user.id;
    tokenOf[name] = (await tokens.issueToken(user)).token;
    if (role) await projects.setMember(project.id, user.id, role);
  }
  const room = (scope: RoomScope = { type: 'shared' }) => roomName({ projectId: project.id, studyInstanceUid: STUDY, scope });
  const identity = (name: string, role: Role, scope: RoomScope = { type: 'shared' }): ConnectionIdentity => ({
    userId: ids[name]!,
    data: { role, projectId: project.id, studyUid: STUDY, scope, readOnly: false } satisfies SyncAccessData,
  });
  const call = async (as: string | null, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (as) headers.authorization = `Bearer ${tokenOf[as]}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as any };
  };
  const base = `/api/projects/${project.id}/studies/${STUDY}`;
  /** A box by the reader alice in the shared document, written as she would over sync. */
  const aliceBox = async () => {
    let id = '';
    await sync.changeDocument(room(), identity('alice', 'reader'), (doc) => {
      id = new StudyDocument(doc, { userId: ids.alice! }).createBox2d({
        studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: SOP, geometry: { x: 1, y: 2, width: 3, height: 4 }, label: 'nodule',
      }).id;
    });
    return id;
  };
  return { app, sync, storage, audited, ids, room, identity, call, base, aliceBox, projectId: project.id };
}

describe('POST /api/projects/:id/studies/:studyUid/comments', () => {
  it("writes a reviewer's comment into the shared document as the reviewer: live clients get it, it is stored and audited", async () => {
    const t = await setup();
    const watcher = new FakeClient(t.sync, t.room(), t.identity('adam', 'adjudicator'));
    await until(() => watcher.synced);

    const res = await t.call('rita', 'POST', `${t.base}/comments`, { room: 'shared', target: { type: 'study' }, text: 'agree with the nodule' });

    expect(res.status).toBe(201);
    expect(res.json.comment).toMatchObject({ author: t.ids.rita, text: 'agree with the nodule', target: { type: 'study' } });
    const stored = await t.storage.loadRoom(t.room());
    expect(stored.updates.map((u) => u.userId)).toEqual([t.ids.rita]);
    expect(t.audited).toEqual([expect.objectContaining({ action: 'comment.added', actor: t.ids.rita, room: t.room(), targetId: res.json.comment.id })]);
    await until(() => watcher.doc.getMap('comments').has(res.json.comment.id));
    await t.sync.shutdown();
  });

  it('lets a reviewer comment in the consensus document, read-only for them over sync', async () => {
    const t = await setup();
    const res = await t.call('rita', 'POST', `${t.base}/comments`, { room: 'consensus', target: { type: 'study' }, text: 'ok' });
    expect(res.status).toBe(201);
    expect((await t.sync.readDocument(t.room({ type: 'consensus' }))).getMap('comments').has(res.json.comment.id)).toBe(true);
  });

  it("refuses an observer (no comment permission) with 403 and writes nothing", async () => {
    const t = await setup();
    const res = await t.call('olga', 'POST', `${t.base}/comments`, { room: 'shared', target: { type: 'study' }, text: 'hello' });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden');
    expect((await t.storage.loadRoom(t.room())).updates).toHaveLength(0);
  });

  it('refuses a trainee in the shared document but lets them comment in their own read', async () => {
    const t = await setup();
    const shared = await t.call('tom', 'POST', `${t.base}/comments`, { room: 'shared', target: { type: 'study' }, text: 'x' });
    expect(shared.status).toBe(403);
    expect(shared.json.error.code).toBe('cannot_see_others');
    const own = await t.call('tom', 'POST', `${t.base}/comments`, { room: { reader: t.ids.tom }, target: { type: 'study' }, text: 'x' });
    expect(own.status).toBe(201);
    const otherRead = await t.call('rita', 'POST', `${t.base}/comments`, { room: { reader: t.ids.alice }, target: { type: 'study' }, text: 'x' });
    expect(otherRead.status).toBe(403);
  });

  it('answers 404 for a comment on an annotation the document does not have', async () => {
    const t = await setup();
    const res = await t.call('rita', 'POST', `${t.base}/comments`, { room: 'shared', target: { type: 'annotation', annotationId: 'nope' }, text: 'x' });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('annotation_not_found');
  });

  it('answers 401 without a token, 403 to a non-member, 404 for an unknown project or a study outside it, 400 for a bad body', async () => {
    const t = await setup();
    const body = { room: 'shared', target: { type: 'study' }, text: 'x' };
    expect((await t.call(null, 'POST', `${t.base}/comments`, body)).status).toBe(401);
    expect((await t.call('nina', 'POST', `${t.base}/comments`, body)).status).toBe(403);
    expect((await t.call('rita', 'POST', `/api/projects/${crypto.randomUUID()}/studies/${STUDY}/comments`, body)).json.error.code).toBe('project_not_found');
    expect((await t.call('rita', 'POST', `/api/projects/${t.projectId}/studies/1.2.3/comments`, body)).json.error.code).toBe('study_not_found');
    const bad = await t.call('rita', 'POST', `${t.base}/comments`, { ...body, text: '' });
    expect(bad.status).toBe(400);
    expect((await t.call('rita', 'POST', `${t.base}/comments`, { ...body, room: 'elsewhere' })).status).toBe(400);
  });
});

describe('PUT and DELETE /api/projects/:id/studies/:studyUid/votes/:annotationId', () => {
  it("sets, replaces and withdraws the caller's own vote, each visible to live clients", async () => {
    const t = await setup();
    const box = await t.aliceBox();
    const watcher = new FakeClient(t.sync, t.room(), t.identity('adam', 'adjudicator'));
    await until(() => watcher.synced);
    const key = `${box}:${t.ids.rita}`;
    const votes = () => watcher.doc.getMap('votes');

    const agree = await t.call('rita', 'PUT', `${t.base}/votes/${box}`, { room: 'shared', vote: 'agree' });
    expect(agree.status).toBe(200);
    expect(agree.json.vote).toMatchObject({ annotationId: box, userId: t.ids.rita, vote: 'agree' });
    await until(() => (votes().get(key) as { vote?: string } | undefined)?.vote === 'agree');
    expect((await t.call('rita', 'PUT', `${t.base}/votes/${box}`, { room: 'shared', vote: 'disagree' })).status).toBe(200);
    await until(() => (votes().get(key) as { vote?: string } | undefined)?.vote === 'disagree');

    expect((await t.call('rita', 'DELETE', `${t.base}/votes/${box}?room=shared`)).status).toBe(204);
    await until(() => !votes().has(key));
    const again = await t.call('rita', 'DELETE', `${t.base}/votes/${box}?room=shared`);
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('vote_not_found');
    await t.sync.shutdown();
  });

  it('answers 404 for a vote on an annotation the document does not have, and writes nothing', async () => {
    const t = await setup();
    await t.aliceBox();
    const before = (await t.storage.loadRoom(t.room())).updates.length;
    const res = await t.call('rita', 'PUT', `${t.base}/votes/missing-box`, { room: 'shared', vote: 'agree' });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('annotation_not_found');
    expect((await t.storage.loadRoom(t.room())).updates).toHaveLength(before);
  });

  it('refuses an observer with 403 and a DELETE without a valid room with 400', async () => {
    const t = await setup();
    const box = await t.aliceBox();
    expect((await t.call('olga', 'PUT', `${t.base}/votes/${box}`, { room: 'shared', vote: 'agree' })).status).toBe(403);
    expect((await t.call('rita', 'DELETE', `${t.base}/votes/${box}`)).status).toBe(400);
    expect((await t.call('rita', 'DELETE', `${t.base}/votes/${box}?room=reader`)).status).toBe(400);
  });
});

describe('discussion routes in the OpenAPI document', () => {
  it('documents every route the app answers, the comment and vote routes included', async () => {
    const t = await setup();
    const doc = (await t.call(null, 'GET', '/api/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    const answered = new Set(t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`));
    expect([...answered].sort()).toEqual([...documented].sort());
    for (const op of ['post /api/projects/{id}/studies/{studyUid}/comments', 'put /api/projects/{id}/studies/{studyUid}/votes/{annotationId}', 'delete /api/projects/{id}/studies/{studyUid}/votes/{annotationId}']) {
      expect(documented).toContain(op);
    }
  });
});
