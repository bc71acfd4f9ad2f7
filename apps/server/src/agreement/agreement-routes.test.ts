import { Registry } from 'prom-client';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { imageGroupKey } from '@readingroom/agreement';
import { roomName, StudyDocument, type ReadingSession, type RoomScope } from '@readingroom/model';
import { MemoryStorage, silentLogger, SyncServer } from '@readingroom/sync-server';
import { createAuthenticate } from '../auth/authenticate';
import { createTokenService } from '../auth/tokens';
import { createApp } from '../http/create-app';
import { toOpenApiPath } from '../openapi/registry';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import { MemorySessionStore } from '../sessions/memory-session-store';
import { MemoryUserStore } from '../users/memory-user-store';
import type { User } from '../users/user-store';
import { ProjectAgreementView, StudyAgreementView } from './agreement-api-schemas';
import type { StudyImageKeys } from './study-image-keys';

const STUDY = '1.2.3';
const SERIES = '1.2.3.1';
const SOPS = ['1.2.3.1.1', '1.2.3.1.2', '1.2.3.1.3'];
const UNKNOWN_TO_CATALOG = '1.2.4';

/** An app with the agreement routes on in-memory stores and document storage. */
async function agreementApp() {
  const users = new MemoryUserStore();
  const projects = new MemoryProjectStore();
  const sessions = new MemorySessionStore();
  const storage = new MemoryStorage();
  const sync = new SyncServer({ storage });
  const tokens = createTokenService({ secret: 's'.repeat(40), ttlSeconds: 3600 });
  const images = new Map<string, StudyImageKeys>([[STUDY, { images: SOPS.map((s) => imageGroupKey(s, 0)), series: [`series:${SERIES}`] }]]);
  const app = createApp({
    users,
    projects,
    tokens,
    authenticate: createAuthenticate(tokens, users),
    registry: new Registry(),
    isReady: () => true,
    logger: silentLogger,
    readingSessions: sessions,
    agreement: { documents: sync, imageKeys: async (uid) => images.get(uid) ?? null },
  });
  const person = (username: string, isAdmin = false) => users.create({ username, passwordHash: 'x', isAdmin });
  const people = { root: await person('root', true), rita: await person('rita'), ray: await person('ray'), ada: await person('ada'), tom: await person('tom') };
  const project = await projects.createProject({ name: 'Lung', description: '', settings: DEFAULT_SETTINGS, createdBy: people.root.id });
  for (const name of ['nodule', 'mass']) await projects.createLabel(project.id, { name, colour: '#ff0000', hotkey: null, kind: 'box2d', attributes: [] });
  await projects.setMember(project.id, people.rita.id, 'reader');
  await projects.setMember(project.id, people.ray.id, 'reader');
  await projects.setMember(project.id, people.ada.id, 'adjudicator');
  await projects.setMember(project.id, people.tom.id, 'trainee');
  await projects.addStudies(project.id, [STUDY, UNKNOWN_TO_CATALOG], people.root.id);

  const tokenOf = new Map<string, string>();
  for (const user of Object.values(people)) tokenOf.set(user.id, (await tokens.issueToken(user)).token);
  const call = async (as: User, path: string) => {
    const res = await app.request(path, { headers: { authorization: `Bearer ${tokenOf.get(as.id)}` } });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: text.startsWith('{') ? JSON.parse(text) : null };
  };
  /** Writes boxes into a study document as `user` (no accept step: the routes only read). */
  const draw = async (study: string, scope: RoomScope, user: User, boxes: { sop: string; x: number; label?: string }[]) => {
    const doc = new Y.Doc();
    const session = new StudyDocument(doc, { userId: user.id });
    for (const b of boxes) {
      session.createBox2d({ studyInstanceUid: study, seriesInstanceUid: SERIES, sopInstanceUid: b.sop, geometry: { x: b.x, y: 10, width: 20, height: 20 }, label: b.label ?? 'nodule' });
    }
    await storage.appendUpdates(roomName({ projectId: project.id, studyInstanceUid: study, scope }), [{ update: Y.encodeStateAsUpdate(doc), userId: user.id, receivedAt: 1 }]);
  };
  const setSession = (study: string, session: Partial<ReadingSession>) =>
    sessions.modify(project.id, (d) => d.set(study, { ...d.get(study), ...session }));
  return { app, sync, people, projectId: project.id, call, draw, setSession };
}

describe('agreement routes', () => {
  it('documents every agreement route the app answers', async () => {
    const { app, call, people } = await agreementApp();
    const doc = (await call(people.root, '/api/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    const answered = app.routes.filter((r) => r.method === 'GET' && r.path.endsWith('/agreement')).map((r) => toOpenApiPath(r.path));
    expect(answered.sort()).toEqual(['/api/projects/{id}/agreement', '/api/projects/{id}/studies/{studyUid}/agreement', '/api/studies/{studyUid}/agreement']);
    for (const path of answered) expect(doc.paths[path]?.get, path).toBeDefined();
  });

  it('reads an open study from the shared document, taking as readers the reader-role authors when nobody is assigned', async () => {
    const { call, draw, people, projectId, sync } = await agreementApp();
    await draw(STUDY, { type: 'shared' }, people.rita, [{ sop: SOPS[0]!, x: 10 }]);
    await draw(STUDY, { type: 'shared' }, people.ray, [{ sop: SOPS[0]!, x: 12 }, { sop: SOPS[1]!, x: 50 }]);
    await draw(STUDY, { type: 'shared' }, people.ada, [{ sop: SOPS[2]!, x: 10 }]); // an adjudicator's box: not a read
    const res = await call(people.rita, `/api/projects/${projectId}/studies/${STUDY}/agreement`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ phase: 'open', readersFrom: 'authors', hasConsensus: false, imagesFrom: 'catalog' });
    expect(res.json.readers).toEqual([people.rita.id, people.ray.id].sort().map((userId) => ({ userId, source: 'shared' })));
    expect(res.json.readerNames).toEqual({ [people.rita.id]: 'rita', [people.ray.id]: 'ray' });
    expect(StudyAgreementView.strict().parse(res.json)).toEqual(res.json); // the documented schema, nothing more
    expect(res.json.report.readerPairs[0]).toMatchObject({ tp: 1 });
    // The three images; no series key, as the taxonomy has no 3D class.
    expect(res.json.report.imageCount).toBe(3);
    expect(sync.roomCount).toBe(0);
  });

  it("takes a trainee's read from their own document, and an assigned reader's own document once it holds a box", async () => {
    const { call, draw, people, projectId, setSession } = await agreementApp();
    await setSession(STUDY, { readers: [people.rita.id, people.tom.id], phase: 'final' });
    await draw(STUDY, { type: 'reader', userId: people.tom.id }, people.tom, [{ sop: SOPS[0]!, x: 10 }]);
    await draw(STUDY, { type: 'reader', userId: people.rita.id }, people.rita, [{ sop: SOPS[0]!, x: 10 }]);
    await draw(STUDY, { type: 'shared' }, people.rita, [{ sop: SOPS[1]!, x: 10 }]); // not her read: she has her own document
    const res = await call(people.ada, `/api/studies/${STUDY}/agreement?project=${projectId}`);
    expect(res.status).toBe(200);
    // In the session's assignment order.
    expect(res.json.readers).toEqual([{ userId: people.rita.id, source: 'own' }, { userId: people.tom.id, source: 'own' }]);
    expect(res.json.report.readerPairs[0]).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    // Final with an empty consensus: the consensus says "nothing", so every box is a false positive.
    expect(res.json.hasConsensus).toBe(true);
    expect(res.json.report.readerStats.every((r: { vsConsensus: { fp: number } }) => r.vsConsensus.fp === 1)).toBe(true);
  });

  it('counts only annotated images for a study the catalog does not hold, and says so', async () => {
    const { call, draw, people, projectId } = await agreementApp();
    await draw(UNKNOWN_TO_CATALOG, { type: 'shared' }, people.rita, [{ sop: '1.2.4.1.1', x: 10 }]);
    const res = await call(people.ada, `/api/projects/${projectId}/studies/${UNKNOWN_TO_CATALOG}/agreement`);
    expect(res.json).toMatchObject({ imagesFrom: 'annotations', report: { imageCount: 1 } });
  });

  it('answers 404 for an unknown project or a study outside it, 400 for an unknown format, 403 for a trainee', async () => {
    const { call, people, projectId } = await agreementApp();
    const other = '00000000-0000-4000-8000-000000000000';
    expect((await call(people.root, `/api/projects/${other}/agreement`)).json.error.code).toBe('project_not_found');
    expect((await call(people.root, `/api/projects/${projectId}/studies/9.9.9/agreement`)).json.error.code).toBe('study_not_found');
    expect((await call(people.root, `/api/studies/9.9.9/agreement?project=${projectId}`)).status).toBe(404);
    expect((await call(people.root, `/api/projects/${projectId}/agreement?format=xlsx`)).status).toBe(400);
    expect((await call(people.root, `/api/studies/${STUDY}/agreement`)).status).toBe(400); // no project
    expect((await call(people.tom, `/api/projects/${projectId}/agreement`)).json.error.code).toBe('cannot_see_others');
  });

  it('withholds blinded studies from a reader but not from an adjudicator, and answers CSV', async () => {
    const { call, people, projectId, setSession } = await agreementApp();
    await setSession(STUDY, { phase: 'blinded', readers: [people.rita.id] });
    expect((await call(people.rita, `/api/projects/${projectId}/agreement`)).json).toMatchObject({ withheldStudies: 1, studies: [{ studyInstanceUid: UNKNOWN_TO_CATALOG }] });
    const full = (await call(people.ada, `/api/projects/${projectId}/agreement`)).json;
    expect(full.withheldStudies).toBe(0);
    expect(ProjectAgreementView.strict().parse(full)).toEqual(full);
    const csv = await call(people.ada, `/api/projects/${projectId}/agreement?format=csv`);
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.text.startsWith('section,label,reader,other,metric,value\r\n')).toBe(true);
  });
});
