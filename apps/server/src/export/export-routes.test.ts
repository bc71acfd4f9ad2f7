// The export and import-labels routes inside the whole app (no network): documented in the OpenAPI
// document, label uploads past the API's 64 KiB body limit, and the JSON, raw and multipart bodies.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { readAnnotations, roomName, parseRoomName } from '@readingroom/model';
import { MemoryStorage, silentLogger, SyncServer } from '@readingroom/sync-server';
import { createAuthenticate } from '../auth/authenticate';
import { createTokenService } from '../auth/tokens';
import { createApp } from '../http/create-app';
import { toOpenApiPath } from '../openapi/registry';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import { MemorySessionStore } from '../sessions/memory-session-store';
import { MemoryUserStore } from '../users/memory-user-store';

const STUDY = '1.2.826.0.1.3680043.2.1125.7.1';
const image = {
  imageId: `${STUDY}.3`, studyInstanceUid: STUDY, seriesInstanceUid: `${STUDY}.2`, sopInstanceUid: `${STUDY}.3`, sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1',
  rows: 1000, columns: 800, sliceIndex: null, imagePositionPatient: null, imageOrientationPatient: null, pixelSpacing: null,
};
const CSV_HEADER = 'image_id,class_name,class_id,rad_id,x_min,y_min,x_max,y_max\r\n';

async function exportApp() {
  const users = new MemoryUserStore();
  const projects = new MemoryProjectStore();
  const tokens = createTokenService({ secret: 's'.repeat(40), ttlSeconds: 3600 });
  const sync = new SyncServer({ storage: new MemoryStorage(), unloadDelayMs: 0 });
  const root = await users.create({ username: 'root', passwordHash: 'x', isAdmin: true });
  const reader = await users.create({ username: 'rita', passwordHash: 'x', isAdmin: false });
  const projectId = (await projects.createProject({ name: 'p', description: '', settings: DEFAULT_SETTINGS, createdBy: root.id })).id;
  await projects.createLabel(projectId, { name: 'nodule', colour: '#ff0000', hotkey: null, kind: 'box2d', attributes: [] });
  await projects.addStudies(projectId, [STUDY], root.id);
  await projects.setMember(projectId, reader.id, 'reader');
  const app = createApp({
    users,
    projects,
    tokens,
    authenticate: createAuthenticate(tokens, users),
    registry: new Registry(),
    isReady: () => true,
    logger: silentLogger,
    readingSessions: new MemorySessionStore(),
    exports: {
      documents: sync,
      // the sync door, reduced to what these tests need: every study room writable as a reader
      authorize: async (_user, room) => ({ ok: true, data: { role: 'reader', projectId, studyUid: STUDY, scope: parseRoomName(room)!.scope, readOnly: false } }),
      images: async (uid) => (uid === STUDY ? { images: [image], from: 'catalog', study: { studyInstanceUid: STUDY } } : null),
      maxImportBytes: 1024 * 1024,
    },
  });
  const token = (await tokens.issueToken(root)).token;
  const post = (query: string, body: string | FormData, type?: string) =>
    app.request(`/api/projects/${projectId}/studies/${STUDY}/import-labels?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
      body,
    });
  const annotations = async () => readAnnotations(await sync.readDocument(roomName({ projectId, studyInstanceUid: STUDY, scope: { type: 'reader', userId: reader.id } })));
  return { app, token, projectId, reader, post, annotations };
}

const csv = (rows: number) => CSV_HEADER + Array.from({ length: rows }, (_, i) => `${image.imageId},nodule,0,r,${i % 700},${i % 900},${(i % 700) + 10},${(i % 900) + 10}\r\n`).join('');

describe('export and import-labels routes', () => {
  it('documents both routes in the OpenAPI document, the import with a JSON body', async () => {
    const { app } = await exportApp();
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, any>> };
    const answered = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`));
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    expect([...answered].sort()).toEqual([...documented].sort());
    const exportOp = doc.paths['/api/projects/{id}/export']!.get;
    expect(exportOp.responses['200'].content).toHaveProperty('application/zip');
    expect(exportOp.parameters.map((p: { name: string }) => p.name)).toEqual(['id', 'format', 'source', 'studies', 'includePatient']);
    const importOp = doc.paths['/api/projects/{id}/studies/{studyUid}/import-labels']!.post;
    expect(importOp.requestBody.content['application/json'].schema).toMatchObject({ type: 'object' });
  });

  it('takes a label upload larger than the 64 KiB every other API body is held to', async () => {
    const { app, token, projectId, reader, post, annotations } = await exportApp();
    const big = csv(2000);
    expect(big.length).toBeGreaterThan(64 * 1024);
    const res = await post(`format=vindr-csv&as=read&reader=${reader.id}`, big, 'text/csv');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { imported: { annotations: number } }).imported.annotations).toBe(2000);
    expect(await annotations()).toHaveLength(2000);
    const elsewhere = await app.request(`/api/projects/${projectId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'x'.repeat(70 * 1024) }),
    });
    expect(elsewhere.status).toBe(413);
  });

  it('reads the JSON envelope, a raw file and multipart file parts alike', async () => {
    const { reader, post, annotations } = await exportApp();
    const q = `format=vindr-csv&as=read&reader=${reader.id}`;
    expect((await post(q, JSON.stringify({ files: [{ path: 'a/annotations.csv', text: csv(1) }] }), 'application/json')).status).toBe(200);
    expect(await annotations()).toHaveLength(1);
    const form = new FormData();
    form.append('file', new Blob([csv(3)]), 'more.csv');
    const multipart = await post(q, form);
    // CSV ids derive from the file name and line: another file adds its boxes
    expect(multipart.status).toBe(200);
    expect(await annotations()).toHaveLength(4);
    const nothing = await post(q, '', 'text/csv');
    expect([nothing.status, ((await nothing.json()) as { error: { code: string } }).error.code]).toEqual([400, 'no_files']);
    const yolo = await post(`format=yolo&as=read&reader=${reader.id}`, '0 0.5 0.5 0.1 0.1\n', 'text/plain');
    expect(yolo.status).toBe(400);
  });
});
