// Comments and votes over HTTP (apps/server/src/discussion) against a real server: written into
// the study document as the caller, seen live by stock y-websocket clients of the room (the
// reviewer's own read-only one included), and in the audit trail under the caller's id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { StudyDocument } from '@readingroom/model';
import { openStockClient, type StockClient } from '../support/stock-client';
import { sleep, until } from '../support/until';
import { startSyncWorld, type SyncWorld } from '../security/sync-fixture';

let world: SyncWorld;
const tokens: Record<string, string> = {};
const clients: StockClient[] = [];
let watcher: StockClient;
let reviewerClient: StockClient;
let boxId: string;

async function http(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${world.server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

interface AuditEntry {
  action: string;
  actor: string | null;
  room: string | null;
  targetId: string | null;
}
const auditEntries = async (): Promise<AuditEntry[]> =>
  (await world.api(world.adminToken, 'GET', `/api/audit?project=${world.projectId}&limit=1000`)).entries as AuditEntry[];

const studyPath = () => `/api/projects/${world.projectId}/studies/${world.study}`;
const comments = (c: StockClient) => c.doc.getMap('comments');
const votes = (c: StockClient) => c.doc.getMap('votes');

beforeAll(async () => {
  world = await startSyncWorld({ rita: 'reviewer', olga: 'observer', alice: 'reader' });
  try {
    for (const name of ['rita', 'olga', 'alice']) tokens[name] = await world.token(name);
    watcher = await openStockClient({ syncUrl: world.server.syncUrl, room: world.room(), token: world.adminToken });
    reviewerClient = await openStockClient({ syncUrl: world.server.syncUrl, room: world.room(), token: tokens.rita! });
    const reader = await openStockClient({ syncUrl: world.server.syncUrl, room: world.room(), token: tokens.alice! });
    clients.push(watcher, reviewerClient, reader);
    boxId = new StudyDocument(reader.doc, { userId: world.ids.alice! }).createBox2d({
      studyInstanceUid: world.study,
      seriesInstanceUid: world.series,
      sopInstanceUid: world.sops[0]!,
      geometry: { x: 10, y: 20, width: 30, height: 40 },
      label: 'nodule',
    }).id;
    await until(() => watcher.doc.getMap('annotations').has(boxId), 5_000, "the reader's box at the watcher");
  } catch (error) {
    for (const c of clients.splice(0)) c.destroy();
    await world?.close();
    throw error;
  }
}, 60_000);

afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await world?.close();
});

describe('reviewer comments and votes over HTTP', () => {
  it("writes a reviewer's comment as the reviewer: live in stock clients of the room (their own read-only one too) and audited", async () => {
    const res = await http(tokens.rita!, 'POST', `${studyPath()}/comments`, {
      room: 'shared',
      target: { type: 'annotation', annotationId: boxId },
      text: 'agree, spiculated margin',
    });

    expect(res.status).toBe(201);
    const id = res.json.comment.id as string;
    expect(res.json.comment).toMatchObject({ author: world.ids.rita, target: { type: 'annotation', annotationId: boxId } });
    for (const c of [watcher, reviewerClient]) await until(() => comments(c).has(id), 5_000, 'the comment in a stock client');
    expect(comments(watcher).get(id)).toMatchObject({ author: world.ids.rita, text: 'agree, spiculated margin' });
    const audit = await auditEntries();
    expect(audit).toContainEqual(expect.objectContaining({ action: 'comment.added', actor: world.ids.rita, room: world.room(), targetId: id }));
  });

  it("records a reviewer's vote live and in the audit, replaces it, and withdraws it", async () => {
    const key = `${boxId}:${world.ids.rita}`;
    const voteOf = (c: StockClient) => (votes(c).get(key) as { vote?: string } | undefined)?.vote;

    const agree = await http(tokens.rita!, 'PUT', `${studyPath()}/votes/${boxId}`, { room: 'shared', vote: 'agree' });
    expect(agree.status).toBe(200);
    for (const c of [watcher, reviewerClient]) await until(() => voteOf(c) === 'agree', 5_000, 'the vote in a stock client');
    expect((await http(tokens.rita!, 'PUT', `${studyPath()}/votes/${boxId}`, { room: 'shared', vote: 'disagree' })).status).toBe(200);
    await until(() => voteOf(watcher) === 'disagree', 5_000, 'the changed vote');
    expect((await http(tokens.rita!, 'DELETE', `${studyPath()}/votes/${boxId}?room=shared`)).status).toBe(204);
    await until(() => !votes(watcher).has(key), 5_000, 'the vote withdrawn');

    const voteEvents = (await auditEntries()).filter((e) => e.targetId === key).map((e) => [e.action, e.actor]);
    expect(voteEvents).toEqual([
      ['vote.set', world.ids.rita],
      ['vote.set', world.ids.rita],
      ['vote.withdrawn', world.ids.rita],
    ]);
  });

  it('refuses an observer (no comment permission) with 403; nothing reaches the room', async () => {
    const comment = await http(tokens.olga!, 'POST', `${studyPath()}/comments`, { room: 'shared', target: { type: 'study' }, text: 'observer note' });
    const vote = await http(tokens.olga!, 'PUT', `${studyPath()}/votes/${boxId}`, { room: 'shared', vote: 'agree' });
    expect([comment.status, vote.status]).toEqual([403, 403]);
    await sleep(150);
    const texts = [...comments(watcher).values()].map((c) => (c as { text: string }).text);
    expect(texts).not.toContain('observer note');
    expect(votes(watcher).has(`${boxId}:${world.ids.olga}`)).toBe(false);
  });

  it('answers 404 to a vote on an annotation the document does not have', async () => {
    const res = await http(tokens.rita!, 'PUT', `${studyPath()}/votes/no-such-box`, { room: 'shared', vote: 'agree' });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('annotation_not_found');
  });

  it('keeps stock clients and the stored document the same: a restarted server serves the comments and votes the watcher saw', async () => {
    await http(tokens.rita!, 'PUT', `${studyPath()}/votes/${boxId}`, { room: 'shared', vote: 'agree' });
    await until(() => votes(watcher).has(`${boxId}:${world.ids.rita}`), 5_000, 'the vote');
    const seen = (doc: Y.Doc) => ({ comments: doc.getMap('comments').toJSON(), votes: doc.getMap('votes').toJSON() });
    const expected = seen(watcher.doc);
    for (const c of clients.splice(0)) c.destroy();
    await world.server.restart();
    const fresh = await openStockClient({ syncUrl: world.server.syncUrl, room: world.room(), token: await world.server.login() });
    clients.push(fresh);
    expect(seen(fresh.doc)).toEqual(expected);
  });
});
