// Read-only for real: an observer's stock y-websocket client edits its local document; nobody
// else, and nothing stored, ever sees the change. Its awareness is limited to presence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudyDocument } from '@readingroom/model';
import { openStockClient, type StockClient } from '../support/stock-client';
import { decodeServerFrame } from '../support/raw-client';
import { sleep, until } from '../support/until';
import { permissionDenials, snapshotOf, startSyncWorld, type SyncWorld } from './sync-fixture';

let world: SyncWorld;
const clients: StockClient[] = [];
const open = async (user: string, version: 2 | 3 = 3) => {
  const c = await openStockClient({ syncUrl: world.server.syncUrl, room: world.room(), token: user === 'admin' ? world.adminToken : await world.token(user), version });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  world = await startSyncWorld({ alice: 'reader', olga: 'observer', rita: 'reviewer' });
}, 60_000);
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await world?.close();
});

const box = (sop: string) => ({
  studyInstanceUid: world.study,
  seriesInstanceUid: world.series,
  sopInstanceUid: sop,
  geometry: { x: 20, y: 30, width: 40, height: 50 },
  label: 'nodule',
});

describe('read-only roles with stock y-websocket clients', () => {
  it("never lets an observer's or a reviewer's local edits reach another client or storage, and tells them permission denied", async () => {
    const alice = await open('alice');
    const mine = new StudyDocument(alice.doc, { userId: world.ids.alice! }).createBox2d(box(world.sops[0]!));
    const olga = await open('olga');
    const rita = await open('rita', 2);
    await until(() => olga.doc.getMap('annotations').has(mine.id) && rita.doc.getMap('annotations').has(mine.id), 5000, 'observers to see the box');

    const olgaBox = new StudyDocument(olga.doc, { userId: world.ids.olga! }).createBox2d(box(world.sops[1]!));
    new StudyDocument(rita.doc, { userId: world.ids.rita! }).addComment({ text: 'looks benign', target: { type: 'study' } });
    await until(() => permissionDenials(olga.received).length > 0 && permissionDenials(rita.received).length > 0, 5000, 'permission denied for both');
    expect(permissionDenials(olga.received)[0]).toMatch(/^read_only: your role \(observer\)/);
    expect(permissionDenials(rita.received)[0]).toMatch(/^read_only: your role \(reviewer\)/);
    // after the refusal the server sent the full state (sync step 2) so the client misses nothing
    const afterDenial = olga.received.slice(olga.received.findIndex((f) => f[0] === 2));
    expect(afterDenial.map(decodeServerFrame).some((m) => m.kind === 'sync-step2')).toBe(true);

    await sleep(300); // anything that was going to be relayed has been
    expect(alice.doc.getMap('annotations').has(olgaBox.id)).toBe(false);
    expect(alice.doc.getMap('comments').size).toBe(0);
    expect(rita.doc.getMap('annotations').has(olgaBox.id)).toBe(false);
    // the stock client cannot drop its refused change: it stays in its own document until reload
    expect(olga.doc.getMap('annotations').has(olgaBox.id)).toBe(true);
    const expected = snapshotOf(alice.doc);

    for (const c of clients.splice(0)) c.destroy();
    await world.server.restart();
    const fresh = await open('admin');
    expect(snapshotOf(fresh.doc)).toEqual(expected);
    expect(Object.keys(expected.annotations as object)).toEqual([mine.id]);
  });

  it("lets an observer share cursor presence but refuses document-like awareness data", async () => {
    const alice = await open('alice');
    const olga = await open('olga');
    olga.provider.awareness.setLocalState({ annotations: { leaked: box(world.sops[2]!) } });
    await until(() => permissionDenials(olga.received).some((r) => r.startsWith('presence_only')), 5000, 'presence_only refusal');
    await sleep(200);
    expect((alice.provider.awareness.getStates().get(olga.doc.clientID) as { annotations?: unknown } | undefined)?.annotations).toBeUndefined();

    olga.provider.awareness.setLocalState({ user: { name: 'Olga' }, cursor: { x: 12, y: 34, sopInstanceUid: world.sops[0] } });
    await until(() => (alice.provider.awareness.getStates().get(olga.doc.clientID) as { cursor?: unknown } | undefined)?.cursor !== undefined, 5000, 'alice to see the cursor');
    expect(alice.provider.awareness.getStates().get(olga.doc.clientID)).toEqual({ user: { name: 'Olga' }, cursor: { x: 12, y: 34, sopInstanceUid: world.sops[0] } });
  });
});
