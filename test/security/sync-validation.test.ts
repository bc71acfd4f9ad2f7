// Every incoming update is validated before it is applied: a reader's update that breaks the
// rules is refused and the room stays exactly as it was, for every other client and on disk.
// Yjs client ids are bound to the first user writing under them, across restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StudyDocument, type Annotation } from '@readingroom/model';
import { openStockClient, type StockClient } from '../support/stock-client';
import { RawClient, encodeUpdate, roomUrl } from '../support/raw-client';
import { sleep, until } from '../support/until';
import { permissionDenials, snapshotOf, startSyncWorld, type SyncWorld } from './sync-fixture';

let world: SyncWorld;
const clients: StockClient[] = [];
const open = async (user: string) => {
  const c = await openStockClient({ syncUrl: world.server.syncUrl, room: world.room(), token: user === 'admin' ? world.adminToken : await world.token(user) });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  world = await startSyncWorld({ alice: 'reader', bob: 'reader', mallory: 'reader', carol: 'observer' });
}, 60_000);
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await world?.close();
});

const box2d = (over: Record<string, unknown> = {}) => ({
  studyInstanceUid: world.study,
  seriesInstanceUid: world.series,
  sopInstanceUid: world.sops[0]!,
  geometry: { x: 10, y: 20, width: 30, height: 40 },
  label: 'nodule',
  ...over,
});

/** Opens a fresh stock client as `user`, makes `edit` and waits for its refusal; returns the reason. */
async function refusedEdit(user: string, edit: (s: StudyDocument, doc: Y.Doc) => void): Promise<string> {
  const c = await open(user);
  edit(new StudyDocument(c.doc, { userId: world.ids[user]! }), c.doc);
  await until(() => permissionDenials(c.received).length > 0, 5000, `${user}'s edit to be refused`);
  return permissionDenials(c.received)[0]!;
}

/** An update made on a replica of `source` under another client id, without a provider. */
function craftedUpdate(source: Y.Doc, clientId: number, edit: (s: StudyDocument) => void, userId: string): Uint8Array {
  const replica = new Y.Doc();
  Y.applyUpdate(replica, Y.encodeStateAsUpdate(source));
  replica.clientID = clientId;
  const updates: Uint8Array[] = [];
  replica.on('update', (u: Uint8Array) => updates.push(u));
  edit(new StudyDocument(replica, { userId }));
  return Y.mergeUpdates(updates);
}

describe('validation of every update, with stock clients', () => {
  let aliceBox: Annotation;
  let aliceClientId: number;

  it("refuses moving another reader's box, labels outside the taxonomy, boxes outside the image and claimed authors; the room stays unchanged everywhere", async () => {
    const alice = await open('alice');
    const carol = await open('carol');
    aliceClientId = alice.doc.clientID;
    aliceBox = new StudyDocument(alice.doc, { userId: world.ids.alice! }).createBox2d(box2d());
    // control: bob may create his own box, on another image, and it reaches everyone
    const bob = await open('bob');
    const bobBox = new StudyDocument(bob.doc, { userId: world.ids.bob! }).createBox2d(box2d({ sopInstanceUid: world.sops[5]!, label: 'mass' }));
    await until(() => carol.doc.getMap('annotations').size === 2 && alice.doc.getMap('annotations').has(bobBox.id), 5000, 'both boxes everywhere');
    expect(permissionDenials(bob.received)).toEqual([]);
    const expected = snapshotOf(alice.doc);

    const reasons = [
      await refusedEdit('bob', (s) => s.moveBox(aliceBox.id, { x: 100, y: 100, width: 10, height: 10 })),
      await refusedEdit('bob', (s) => s.createBox2d(box2d({ label: 'unicorn' }))),
      await refusedEdit('bob', (s) => s.createBox2d(box2d({ geometry: { x: 250, y: 10, width: 20, height: 5 } }))),
      await refusedEdit('bob', (s) => s.createBox2d(box2d({ author: world.ids.alice! }))),
      await refusedEdit('bob', (s) =>
        s.createBox3d({
          studyInstanceUid: world.study,
          seriesInstanceUid: world.series,
          label: 'mass',
          geometry: { x: 1, y: 1, width: 5, height: 5, firstSliceIndex: 0, lastSliceIndex: 25, firstSopInstanceUid: world.sops[0]!, lastSopInstanceUid: world.sops[19]! },
        }),
      ),
      await refusedEdit('bob', (s) => s.createBox2d(box2d({ sopInstanceUid: `${world.series}.999999` }))),
    ];
    expect(reasons[0]).toMatch(/^invalid_update: .*you may not edit another reader's annotation/);
    expect(reasons[1]).toMatch(/^invalid_update: .*"unicorn" is not in the project taxonomy/);
    expect(reasons[2]).toMatch(/^invalid_update: .*outside the 256×256 image/);
    expect(reasons[3]).toMatch(/^invalid_update: .*author and createdBy must be you/);
    expect(reasons[4]).toMatch(/^invalid_update: .*exceeds the series' 20 slices/);
    expect(reasons[5]).toMatch(/^invalid_update: .*not part of this study/);

    await sleep(300);
    expect(snapshotOf(alice.doc)).toEqual(expected);
    expect(snapshotOf(carol.doc)).toEqual(expected);
    expect((alice.doc.getMap('annotations').get(aliceBox.id) as Y.Map<unknown>).get('geometry')).toEqual(aliceBox.geometry);

    // a raw client writing under alice's client id (continuing her clock) is refused
    const hijacker = await RawClient.connect(roomUrl(world.server.syncUrl, world.room(), await world.token('mallory')));
    await hijacker.nextMessage((m) => m.kind === 'sync-step1');
    hijacker.send(encodeUpdate(craftedUpdate(alice.doc, aliceClientId, (s) => s.createBox2d(box2d()), world.ids.mallory!)));
    const denied = await hijacker.nextMessage((m) => m.kind === 'permission-denied');
    expect(denied).toMatchObject({ kind: 'permission-denied', reason: expect.stringMatching(/^clientid_taken/) });
    hijacker.ws.terminate();

    await sleep(200);
    expect(snapshotOf(carol.doc)).toEqual(expected);
    for (const c of clients.splice(0)) c.destroy();
    await world.server.restart();
    const fresh = await open('admin');
    expect(snapshotOf(fresh.doc)).toEqual(expected);
  });

  it("still refuses another user's client id after a restart, while its owner may go on writing under it", async () => {
    const reference = await open('admin');
    const before = snapshotOf(reference.doc);
    const mallory = await RawClient.connect(roomUrl(world.server.syncUrl, world.room(), await world.token('mallory')));
    await mallory.nextMessage((m) => m.kind === 'sync-step1');
    mallory.send(encodeUpdate(craftedUpdate(reference.doc, aliceClientId, (s) => s.setLabel(aliceBox.id, 'mass'), world.ids.mallory!)));
    const denied = await mallory.nextMessage((m) => m.kind === 'permission-denied');
    expect(denied).toMatchObject({ reason: expect.stringMatching(/^clientid_taken/) });
    await sleep(200);
    expect(snapshotOf(reference.doc)).toEqual(before);
    mallory.ws.terminate();

    // alice, reconnecting with her old client id, is accepted
    const alice = await RawClient.connect(roomUrl(world.server.syncUrl, world.room(), await world.token('alice')));
    await alice.nextMessage((m) => m.kind === 'sync-step1');
    alice.send(encodeUpdate(craftedUpdate(reference.doc, aliceClientId, (s) => s.setLabel(aliceBox.id, 'mass'), world.ids.alice!)));
    await until(() => (reference.doc.getMap('annotations').get(aliceBox.id) as Y.Map<unknown>).get('label') === 'mass', 5000, 'alice relabelling her box');
    expect(alice.messages().some((m) => m.kind === 'permission-denied')).toBe(false);
    alice.ws.terminate();
  });
});
