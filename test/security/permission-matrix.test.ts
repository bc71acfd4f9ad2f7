// The permission matrix (`PERMISSIONS`, packages/model/src/permissions.ts) checked cell by cell
// against one running server: one `it` per role × action, generated from the matrix, asserting
// allowed-or-refused at every level where the action exists today (HTTP routes, the sync door,
// the sync document). An action with nothing to enforce yet would be `it.todo` (none today).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { daikonMrSeriesPath } from '@readingroom/demo-data/node';
import { ACTIONS, PERMISSIONS, ROLES, StudyDocument, canWriteDocument, imageStateKey, roomName, type Action, type Role } from '@readingroom/model';
import { uidsOf } from '../dicomweb/fixtures';
import { RawClient, encodeStep1, encodeSubscribeAckFrame, encodeUpdate, roomUrl } from '../support/raw-client';
import { openStockClient, type StockClient } from '../support/stock-client';
import { login, startTestServer, type TestServer } from '../support/test-server';
import { sleep, until } from '../support/until';
import { snapshotOf } from './sync-fixture';

const PASSWORD = 'matrix-password-1';
/** Users beside the one-per-role: the author of the reader's box, a target for member changes, a non-member. */
const AUTHOR = 'author';
const BYSTANDER = 'bystander';
const OUTSIDER = 'outsider';

/** Cells where the server is known to disagree with the matrix (bugs, reported; see below). None today. */
const KNOWN_DISAGREEMENTS: Partial<Record<`${Role}:${Action}`, string>> = {};
/** Actions with nothing to enforce yet. None today. */
const NOT_BUILT: ReadonlySet<Action> = new Set<Action>();

let server: TestServer;
let adminToken: string;
let projectId: string;
let study: string;
let series: string;
let sops: string[];
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};
let authorBoxId: string;
/** Global-admin stock clients watching the shared room and each trainee's own room. */
let sharedWatcher: StockClient;
let traineeWatcher: StockClient;
const clients: StockClient[] = [];

const userOf = (role: Role) => `role-${role}`;
const shared = () => roomName({ projectId, studyInstanceUid: study, scope: { type: 'shared' } });
const consensusRoom = () => roomName({ projectId, studyInstanceUid: study, scope: { type: 'consensus' } });
const sessionPath = () => `/api/projects/${projectId}/studies/${study}/session`;
const ownRoom = (user: string) => roomName({ projectId, studyInstanceUid: study, scope: { type: 'reader', userId: ids[user]! } });
/** Where a role writes its own work: trainees only see their own document, everyone else the shared one. */
const workRoom = (role: Role) => (role === 'trainee' ? ownRoom(userOf(role)) : shared());
const watcherOf = (role: Role) => (role === 'trainee' ? traineeWatcher : sharedWatcher);

async function http(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null; // binary or multipart bodies are not looked at
  }
  return { status: res.status, json };
}

async function ok(token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await http(token, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`);
  return res.json;
}

type Outcome = { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

/**
 * Opens a raw connection as `user`, syncs the room's state into a fresh Y.Doc, makes `edit` with
 * `StudyDocument` and sends the resulting update. Accepted = durably stored (durable ack, no
 * permission-denied); refused = permission-denied with its reason.
 */
async function attempt<T>(user: string, room: string, edit: (s: StudyDocument) => T): Promise<{ outcome: Outcome; made: T }> {
  const client = await RawClient.connect(roomUrl(server.syncUrl, room, tokens[user]!));
  try {
    client.send(encodeSubscribeAckFrame());
    client.send(encodeStep1(Y.encodeStateVector(new Y.Doc())));
    const state = await client.nextMessage((m) => m.kind === 'sync-step2');
    const doc = new Y.Doc();
    if (state.kind === 'sync-step2') Y.applyUpdate(doc, state.update);
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const made = edit(new StudyDocument(doc, { userId: ids[user]! }));
    const from = client.frames.length;
    client.send(encodeUpdate(Y.mergeUpdates(updates)));
    const verdict = await client.nextMessage((m) => m.kind === 'permission-denied' || (m.kind === 'durable-ack' && m.ackedMessages >= 1), from, 5_000);
    doc.destroy();
    return { outcome: verdict.kind === 'permission-denied' ? { accepted: false, reason: verdict.reason } : { accepted: true }, made };
  } finally {
    client.ws.terminate();
  }
}

/** Asserts the watcher shows `visible` (accepted), or, after a moment for any relay, still does not. */
async function expectVisibleOrNever(allowed: boolean, visible: () => boolean, what: string): Promise<void> {
  if (allowed) await until(visible, 5_000, what);
  else {
    await sleep(150);
    expect(visible(), `${what} must never reach another client`).toBe(false);
  }
}

async function wsStatus(user: string, room: string): Promise<number> {
  try {
    const c = await RawClient.connect(roomUrl(server.syncUrl, room, tokens[user]!));
    c.ws.terminate();
    return 101;
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number') return status;
    throw err;
  }
}

const box = (sop: string, x: number) => ({
  studyInstanceUid: study,
  seriesInstanceUid: series,
  sopInstanceUid: sop,
  geometry: { x, y: 20, width: 30, height: 40 },
  label: 'nodule',
});

beforeAll(async () => {
  server = await startTestServer();
  try {
    adminToken = await server.login();
    for (const username of [...ROLES.map(userOf), AUTHOR, BYSTANDER, OUTSIDER]) {
      ids[username] = ((await ok(adminToken, 'POST', '/api/users', { username, password: PASSWORD })) as { id: string }).id;
    }
    projectId = ((await ok(adminToken, 'POST', '/api/projects', { name: `matrix-${Date.now()}` })) as { id: string }).id;
    for (const name of ['nodule', 'mass']) await ok(adminToken, 'POST', `/api/projects/${projectId}/labels`, { name, colour: '#ff0000' });

    const folder = daikonMrSeriesPath();
    const files = readdirSync(folder).filter((f) => f.endsWith('.dcm')).sort();
    const form = new FormData();
    for (const f of files) form.append('files', new Blob([readFileSync(join(folder, f))]), f);
    const res = await fetch(`${server.url}/api/import?project=${projectId}`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, body: form });
    const summary = (await res.json()) as { instances?: number };
    if (!res.ok || summary.instances !== files.length) throw new Error(`import failed: ${res.status}`);
    const uids = files.map((f) => uidsOf(new Uint8Array(readFileSync(join(folder, f)))));
    study = uids[0]!.study;
    series = uids[0]!.series;
    sops = uids.map((u) => u.sop);

    for (const role of ROLES) await ok(adminToken, 'POST', `/api/projects/${projectId}/members`, { username: userOf(role), role });
    await ok(adminToken, 'POST', `/api/projects/${projectId}/members`, { username: AUTHOR, role: 'reader' });
    for (const username of [...ROLES.map(userOf), AUTHOR, BYSTANDER, OUTSIDER]) tokens[username] = await login(server.url, username, PASSWORD);

    const seeded = await attempt(AUTHOR, shared(), (s) => s.createBox2d(box(sops[0]!, 10)));
    if (!seeded.outcome.accepted) throw new Error(`the reader's box was refused: ${seeded.outcome.reason}`);
    authorBoxId = seeded.made.id;
    sharedWatcher = await openStockClient({ syncUrl: server.syncUrl, room: shared(), token: adminToken });
    traineeWatcher = await openStockClient({ syncUrl: server.syncUrl, room: ownRoom(userOf('trainee')), token: adminToken });
    clients.push(sharedWatcher, traineeWatcher);
  } catch (error) {
    await server.close();
    throw error;
  }
}, 60_000);

afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
});

const annotations = (c: StockClient) => c.doc.getMap('annotations');
const geometryOf = (c: StockClient, id: string) => (annotations(c).get(id) as Y.Map<unknown> | undefined)?.get('geometry');

/** One check per action that exists today: `allowed` is what the matrix says for `role`. */
const CHECKS: Partial<Record<Action, (role: Role, allowed: boolean) => Promise<void>>> = {
  async 'view-study'(role, allowed) {
    const metadata = await http(tokens[userOf(role)]!, 'GET', `/dicomweb/studies/${study}/series/${series}/metadata`);
    expect(metadata.status).toBe(allowed ? 200 : 403);
    // the study's sync document: trainees open their own reader document (the shared room shows
    // everyone's work, which needs see-others-annotations; asserted in that row)
    expect(await wsStatus(userOf(role), workRoom(role))).toBe(allowed ? 101 : 403);
  },

  async 'see-others-annotations'(role, allowed) {
    const user = userOf(role);
    if (!allowed) {
      expect(await wsStatus(user, shared())).toBe(403);
      // nor does the reader's box appear in the one document they may open
      const own = await openStockClient({ syncUrl: server.syncUrl, room: ownRoom(user), token: tokens[user]! });
      clients.push(own);
      expect(annotations(own).has(authorBoxId)).toBe(false);
      own.destroy();
      return;
    }
    const client = await openStockClient({ syncUrl: server.syncUrl, room: shared(), token: tokens[user]! });
    clients.push(client);
    await until(() => annotations(client).has(authorBoxId), 5_000, "the reader's box");
    client.destroy();
  },

  async 'edit-own-annotation'(role, allowed) {
    const index = 1 + ROLES.indexOf(role);
    const { outcome, made } = await attempt(userOf(role), workRoom(role), (s) => s.createBox2d(box(sops[index]!, 50)));
    expect(outcome.accepted).toBe(allowed);
    const watcher = watcherOf(role);
    await expectVisibleOrNever(allowed, () => annotations(watcher).has(made.id), `${role}'s own box`);
  },

  async 'edit-others-annotation'(role, allowed) {
    if (role === 'trainee') {
      // a trainee's only document holds no one else's work; the one with the reader's box is closed to them
      expect(allowed).toBe(false);
      expect(await wsStatus(userOf(role), shared())).toBe(403);
      return;
    }
    const before = geometryOf(sharedWatcher, authorBoxId);
    const geometry = { x: 10 + 10 * ROLES.indexOf(role), y: 60, width: 25, height: 25 };
    const { outcome } = await attempt(userOf(role), shared(), (s) => s.moveBox(authorBoxId, geometry));
    expect(outcome.accepted).toBe(allowed);
    await expectVisibleOrNever(allowed, () => JSON.stringify(geometryOf(sharedWatcher, authorBoxId)) === JSON.stringify(geometry), "the moved reader's box");
    if (!allowed) expect(geometryOf(sharedWatcher, authorBoxId)).toEqual(before);
  },

  async 'set-image-status'(role, allowed) {
    const target = { level: 'image' as const, studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[10 + ROLES.indexOf(role)]! };
    const { outcome } = await attempt(userOf(role), workRoom(role), (s) => s.setImageState(target, { status: 'no_finding' }));
    expect(outcome.accepted).toBe(allowed);
    const watcher = watcherOf(role);
    const key = imageStateKey(target);
    await expectVisibleOrNever(allowed, () => watcher.doc.getMap('imageStates').has(key), `${role}'s image status`);
  },

  async comment(role, allowed) {
    const user = userOf(role);
    const watcher = watcherOf(role);
    const texts = () => [...watcher.doc.getMap('comments').values()].map((c) => (c as { text?: unknown }).text);
    // Over HTTP, written into the document as the caller (the way reviewers comment).
    const text = `a note by the ${role} over HTTP`;
    const room = role === 'trainee' ? { reader: ids[user]! } : 'shared';
    const res = await http(tokens[user]!, 'POST', `/api/projects/${projectId}/studies/${study}/comments`, { room, target: { type: 'study' }, text });
    expect(res.status).toBe(allowed ? 201 : 403);
    await expectVisibleOrNever(allowed, () => texts().includes(text), `${role}'s comment over HTTP`);
    // Over sync, only roles that write documents may; reviewers and observers are read-only there.
    const { outcome, made } = await attempt(user, workRoom(role), (s) => s.addComment({ text: `a note by the ${role} over sync`, target: { type: 'study' } }));
    if (!outcome.accepted) expect(outcome.reason).toMatch(/^(read_only|invalid_update)/);
    expect(outcome.accepted).toBe(allowed && canWriteDocument(role));
    await expectVisibleOrNever(outcome.accepted, () => watcher.doc.getMap('comments').has(made.id), `${role}'s comment over sync`);
  },

  async adjudicate(role, allowed) {
    const user = userOf(role);
    const index = 2 + ROLES.indexOf(role);
    const manual = (x: number) => ({ kind: 'box2d' as const, ...box(sops[index]!, x), origin: 'manual' as const });
    try {
      // Sync document: the adjudication keys (`sources`/`origin`, `rejections`) in the role's work room, session open.
      const keyed = await attempt(user, workRoom(role), (s) => s.acceptProposal(manual(70)));
      expect(keyed.outcome.accepted).toBe(allowed);
      if (!keyed.outcome.accepted && canWriteDocument(role)) expect(keyed.outcome.reason).toMatch(/^invalid_update: .*only adjudicators may write sources and origin/);
      const rejection = await attempt(user, workRoom(role), (s) => s.rejectSources([{ readerId: ids[AUTHOR]!, annotationId: authorBoxId }]));
      expect(rejection.outcome.accepted).toBe(allowed);
      // HTTP: moving the study into the adjudication phase.
      const phase = await http(tokens[user]!, 'PUT', `${sessionPath()}/phase`, { phase: 'adjudication' });
      expect(phase.status).toBe(allowed ? 200 : 403);
      // Sync door and document: writing the consensus in the adjudication phase.
      await ok(adminToken, 'PUT', `${sessionPath()}/phase`, { phase: 'adjudication' });
      const watcher = await openStockClient({ syncUrl: server.syncUrl, room: consensusRoom(), token: adminToken });
      clients.push(watcher);
      const door = await wsStatus(user, consensusRoom());
      if (door === 403) expect(allowed, 'refused at the door').toBe(false);
      else {
        const { outcome, made } = await attempt(user, consensusRoom(), (s) => s.acceptProposal(manual(120)));
        if (!outcome.accepted) expect(outcome.reason).toMatch(/^read_only/);
        expect(outcome.accepted).toBe(allowed);
        await expectVisibleOrNever(allowed, () => annotations(watcher).has(made.id), `${role}'s consensus box`);
      }
      watcher.destroy();
    } finally {
      await ok(adminToken, 'PUT', `${sessionPath()}/phase`, { phase: 'open' });
      // Phase changes close connections whose grant changed (the shared watcher's); open fresh watchers.
      sharedWatcher.destroy();
      traineeWatcher.destroy();
      sharedWatcher = await openStockClient({ syncUrl: server.syncUrl, room: shared(), token: adminToken });
      traineeWatcher = await openStockClient({ syncUrl: server.syncUrl, room: ownRoom(userOf('trainee')), token: adminToken });
      clients.push(sharedWatcher, traineeWatcher);
    }
  },

  async export(role, allowed) {
    const res = await http(tokens[userOf(role)]!, 'GET', `/api/projects/${projectId}/export?format=coco`);
    expect(res.status).toBe(allowed ? 200 : 403);
    const audit = await ok(adminToken, 'GET', `/api/audit?project=${projectId}&action=data.exported&actor=${ids[userOf(role)]}`);
    expect(audit.entries.length).toBe(allowed ? 1 : 0);
  },

  async 'manage-members'(role, allowed) {
    const res = await http(tokens[userOf(role)]!, 'POST', `/api/projects/${projectId}/members`, { username: BYSTANDER, role: 'observer' });
    if (allowed) expect([200, 201]).toContain(res.status);
    else expect(res.status).toBe(403);
  },

  async 'view-audit'(role, allowed) {
    const res = await http(tokens[userOf(role)]!, 'GET', `/api/audit?project=${projectId}`);
    expect(res.status).toBe(allowed ? 200 : 403);
  },
};

/** What each cell checks, for its name. */
const LEVELS: Record<Action, string> = {
  'view-study': 'GET …/series/{series}/metadata and the WS upgrade to the study document (trainees: their own r/<me>)',
  'see-others-annotations': "the WS upgrade to the shared room and the reader's box in it",
  'edit-own-annotation': 'a new box over WS: stored (durable ack) and seen by another client, or permission-denied and never seen',
  'edit-others-annotation': "moving the reader's box over WS (trainees: the shared room is closed to them)",
  'set-image-status': 'an image status over WS',
  comment: 'a study comment over HTTP POST …/comments, seen by another client (over WS too for roles that write documents)',
  adjudicate:
    'consensus keys (sources/origin, a rejection) over WS in the work room, PUT …/session/phase to adjudication, then a consensus box over WS in that phase (door or document)',
  export: 'GET /api/projects/:id/export?format=coco (a zip), audited as data.exported',
  'manage-members': 'POST /api/projects/:id/members (project role admin, not a global administrator)',
  'view-audit': 'GET /api/audit?project=<id>',
};

describe('permission matrix, cell by cell, against a running server', () => {
  for (const action of ACTIONS) {
    describe(action, () => {
      for (const role of ROLES) {
        const allowed = PERMISSIONS[role].has(action);
        const name = `${allowed ? 'allows' : 'refuses'} ${role}: ${LEVELS[action]}`;
        const check = CHECKS[action];
        if (NOT_BUILT.has(action) || !check) {
          it.todo(`${name} (${action} is not built yet)`);
          continue;
        }
        const known = KNOWN_DISAGREEMENTS[`${role}:${action}`];
        // pins today's disagreement precisely (the check's final accepted-vs-refused assertion
        // fails, nothing else); turns red once the server follows the matrix: then drop the entry
        if (known) it.todo(`${name} (${known})`);
        else it(name, () => check(role, allowed));
      }
    });
  }
});

describe('controls', () => {
  it('refuses a user in no role of the project the study, over HTTP and at the sync door', async () => {
    expect((await http(tokens[OUTSIDER]!, 'GET', `/dicomweb/studies/${study}/series/${series}/metadata`)).status).toBe(403);
    expect(await wsStatus(OUTSIDER, shared())).toBe(403);
    expect((await http(tokens[OUTSIDER]!, 'GET', `/api/audit?project=${projectId}`)).status).toBe(403);
    expect((await http(tokens[OUTSIDER]!, 'POST', `/api/projects/${projectId}/members`, { username: BYSTANDER, role: 'reader' })).status).toBe(403);
  });

  it('stores exactly what the watchers saw: a restarted server serves the same shared document', async () => {
    const expected = snapshotOf(sharedWatcher.doc);
    for (const c of clients.splice(0)) c.destroy();
    await server.restart();
    tokens.admin = await server.login();
    const fresh = await openStockClient({ syncUrl: server.syncUrl, room: shared(), token: tokens.admin });
    clients.push(fresh);
    expect(snapshotOf(fresh.doc)).toEqual(expected);
  });
});
