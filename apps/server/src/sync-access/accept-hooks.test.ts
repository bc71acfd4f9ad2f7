import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { defaultReadingSession, StudyDocument, type ReadingRoomSession, type Role, type RoomScope } from '@readingroom/model';
import { encodeAwareness, encodeSyncUpdate } from '@readingroom/protocol';
import { MemoryStorage, SyncServer, type ConnectionIdentity } from '@readingroom/sync-server';
import { FakeClient, until } from '@readingroom/testing';
import * as encoding from 'lib0/encoding';
import type { SyncAccessData } from './access-data';
import { createAcceptAwareness } from './accept-awareness';
import { createAcceptUpdate } from './accept-update';
import { MemoryClientIdRegistry } from './client-id-registry';
import type { StudyImages } from './image-index';

const STUDY = '1.2.3';
const SERIES = '1.2.3.4';
const SOP = ['1.2.3.4.1', '1.2.3.4.2'] as const;
const ROOM = `p/p1/s/${STUDY}`;

const images: StudyImages = {
  instances: new Map(SOP.map((sop) => [sop, { seriesUid: SERIES, rows: 256, columns: 256 }])),
  series: new Map([[SERIES, { rows: 256, columns: 256, slices: 2 }]]),
};

function setup(session?: (projectId: string, studyUid: string) => ReadingRoomSession | undefined) {
  const clientIds = new MemoryClientIdRegistry();
  const sizeOf = (ref: { sopInstanceUid?: string; seriesInstanceUid: string }) =>
    ref.sopInstanceUid ? (images.instances.get(ref.sopInstanceUid) ?? null) : (images.series.get(ref.seriesInstanceUid) ?? null);
  const storage = new MemoryStorage();
  const sync = new SyncServer({
    storage,
    unloadDelayMs: 0,
    flushDelayMs: 1,
    resyncAfterRefusal: true,
    hooks: {
      acceptUpdate: createAcceptUpdate({
        clientIds,
        taxonomy: () => new Set(['nodule', 'mass']),
        images: { images: () => images, sizeOf, noteMiss: () => {} },
        ...(session ? { session } : {}),
      }),
      acceptAwareness: createAcceptAwareness({ clientIds }),
    },
  });
  return { sync, storage, clientIds };
}

const grant = (userId: string, role: Role, readOnly = false, scope: RoomScope = { type: 'shared' }): ConnectionIdentity => ({
  userId,
  data: { role, projectId: 'p1', studyUid: STUDY, scope, readOnly } satisfies SyncAccessData,
});

const box = (over: Record<string, unknown> = {}) => ({
  studyInstanceUid: STUDY,
  seriesInstanceUid: SERIES,
  sopInstanceUid: SOP[0],
  geometry: { x: 10, y: 10, width: 20, height: 20 },
  label: 'nodule',
  ...over,
});

async function roomJson(storage: MemoryStorage, sync: SyncServer): Promise<unknown> {
  await sync.flushAll();
  const record = await storage.loadRoom(ROOM);
  const doc = new Y.Doc();
  if (record.snapshot) Y.applyUpdate(doc, record.snapshot);
  for (const u of record.updates) Y.applyUpdate(doc, u.update);
  return doc.getMap('annotations').toJSON();
}

describe('the sync accept step', () => {
  it("accepts a read-only client's reconnect that re-sends the room's own state, deletions included, and refuses its new edit", async () => {
    const { sync, storage } = setup();
    const alice = new FakeClient(sync, ROOM, grant('alice', 'reader'), { durableAcks: true });
    await until(() => alice.synced);
    const doc = new StudyDocument(alice.doc, { userId: 'alice' });
    const kept = doc.createBox2d(box());
    const gone = doc.createBox2d(box({ geometry: { x: 40, y: 40, width: 5, height: 5 } }));
    doc.deleteAnnotation(gone.id);
    doc.moveBox(kept.id, { x: 12, y: 12, width: 20, height: 20 });
    await sync.flushAll();
    const before = await roomJson(storage, sync);
    const watcher = new FakeClient(sync, ROOM, grant('olga', 'observer', true), { durableAcks: true });
    await until(() => watcher.synced && watcher.doc.getMap('annotations').has(kept.id));
    // What a stock client sends on reconnect: its whole state, delete set included.
    watcher.sendRaw(encodeSyncUpdate(Y.encodeStateAsUpdate(watcher.doc)));
    await new Promise((r) => setTimeout(r, 50));
    expect(watcher.rejections).toEqual([]);
    new StudyDocument(watcher.doc, { userId: 'olga' }).setImageState({ level: 'study', studyInstanceUid: STUDY }, { status: 'no_finding' });
    await until(() => watcher.rejections.length > 0);
    expect(watcher.rejections[0]).toMatchObject({ code: 'read_only' });
    expect(await roomJson(storage, sync)).toEqual(before);
  });

  it("refuses a reader's next update as soon as their read is submitted, before any re-check closed the connection", async () => {
    let session: ReadingRoomSession = { ...defaultReadingSession(), phase: 'blinded', readers: ['alice'] };
    const { sync, storage } = setup(() => session);
    const own: RoomScope = { type: 'reader', userId: 'alice' };
    const room = `p/p1/s/${STUDY}/r/alice`;
    const alice = new FakeClient(sync, room, grant('alice', 'reader', false, own), { durableAcks: true });
    await until(() => alice.synced);
    const first = new StudyDocument(alice.doc, { userId: 'alice' }).createBox2d(box());
    await sync.flushAll();
    session = { ...session, submitted: { alice: Date.now() } };
    new StudyDocument(alice.doc, { userId: 'alice' }).moveBox(first.id, { x: 50, y: 50, width: 5, height: 5 });
    await until(() => alice.rejections.length > 0);
    expect(alice.rejections[0]).toMatchObject({ code: 'read_only' });
    expect(alice.rejections[0]!.message).toContain('submitted');
    await sync.flushAll();
    const record = await storage.loadRoom(room);
    const stored = new Y.Doc();
    if (record.snapshot) Y.applyUpdate(stored, record.snapshot);
    for (const u of record.updates) Y.applyUpdate(stored, u.update);
    expect((stored.getMap('annotations').get(first.id) as Y.Map<unknown>).get('geometry')).toEqual(first.geometry);
  });

  it("accepts a reader's own box and refuses another reader moving it, leaving the room unchanged", async () => {
    const { sync, storage } = setup();
    const alice = new FakeClient(sync, ROOM, grant('alice', 'reader'));
    const bob = new FakeClient(sync, ROOM, grant('bob', 'reader'), { durableAcks: true });
    await until(() => alice.synced && bob.synced);
    const created = new StudyDocument(alice.doc, { userId: 'alice' }).createBox2d(box());
    await until(() => bob.doc.getMap('annotations').has(created.id));
    const before = await roomJson(storage, sync);
    new StudyDocument(bob.doc, { userId: 'bob' }).moveBox(created.id, { x: 100, y: 100, width: 5, height: 5 });
    await until(() => bob.rejections.length > 0);
    expect(bob.rejections[0]).toMatchObject({ code: 'invalid_update' });
    expect(bob.rejections[0]!.message).toContain("you may not edit another reader's annotation");
    expect(await roomJson(storage, sync)).toEqual(before);
    expect((alice.doc.getMap('annotations').get(created.id) as Y.Map<unknown>).get('geometry')).toEqual(created.geometry);
  });

  it('refuses labels outside the taxonomy, boxes outside the image, other authors and other studies', async () => {
    const { sync, storage } = setup();
    const mallory = new FakeClient(sync, ROOM, grant('mallory', 'reader'), { durableAcks: true });
    await until(() => mallory.synced);
    const attempts: Array<[Record<string, unknown>, RegExp]> = [
      [{ label: 'unicorn' }, /not in the project taxonomy/],
      [{ geometry: { x: 250, y: 10, width: 20, height: 5 } }, /outside the 256×256 image/],
      [{ author: 'alice' }, /author and createdBy must be you/],
      [{ studyInstanceUid: '9.9.9' }, /must belong to this room's study/],
      [{ sopInstanceUid: '1.2.3.4.99' }, /not part of this study/],
      // A creation refused by validateUpdate still gets its references checked (the same message as ever).
      [{ label: 'unicorn', studyInstanceUid: '9.9.9' }, /^2 problems: .*not in the project taxonomy.*must belong to this room's study$/],
    ];
    for (const [over, message] of attempts) {
      const doc = new Y.Doc();
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      new StudyDocument(doc, { userId: 'mallory' }).createBox2d(box(over) as never);
      const n = mallory.rejections.length;
      mallory.sendRaw(encodeSyncUpdate(Y.mergeUpdates(updates)));
      await until(() => mallory.rejections.length > n);
      expect(mallory.rejections.at(-1)!.message).toMatch(message);
    }
    expect(await roomJson(storage, sync)).toEqual({});
  });

  it('refuses every update of a read-only grant, then resyncs the sender with the full state', async () => {
    const { sync, storage } = setup();
    const olga = new FakeClient(sync, ROOM, grant('olga', 'observer', true), { durableAcks: true });
    await until(() => olga.synced);
    const sent = olga.socket.sent.length;
    new StudyDocument(olga.doc, { userId: 'olga' }).createBox2d(box());
    await until(() => olga.rejections.length > 0);
    expect(olga.rejections[0]!.code).toBe('read_only');
    expect(olga.permissionDenied[0]).toMatch(/^read_only/);
    expect(olga.socket.sent.slice(sent).some((f) => f[0] === 0 && f[1] === 1)).toBe(true);
    expect(await roomJson(storage, sync)).toEqual({});
  });

  it("refuses structs written under another user's client id (a hijack), even after that user left", async () => {
    const { sync, storage } = setup();
    const alice = new FakeClient(sync, ROOM, grant('alice', 'reader'));
    await until(() => alice.synced);
    new StudyDocument(alice.doc, { userId: 'alice' }).createBox2d(box());
    await sync.flushAll();
    const aliceId = alice.doc.clientID;
    alice.disconnect();
    const mallory = new FakeClient(sync, ROOM, grant('mallory', 'reader'), { durableAcks: true });
    await until(() => mallory.synced);
    mallory.doc.clientID = aliceId; // continue alice's clock
    new StudyDocument(mallory.doc, { userId: 'mallory' }).createBox2d(box());
    await until(() => mallory.rejections.length > 0);
    expect(mallory.rejections[0]!.code).toBe('clientid_taken');
    expect(Object.keys((await roomJson(storage, sync)) as object)).toHaveLength(1);
  });

  it('accepts anything in a free-form room of a global admin', async () => {
    const { sync } = setup();
    const admin = new FakeClient(sync, 'scratch', { userId: 'root', data: { role: 'admin', projectId: null, studyUid: null, scope: null, readOnly: false } });
    const other = new FakeClient(sync, 'scratch', { userId: 'root', data: { role: 'admin', projectId: null, studyUid: null, scope: null, readOnly: false } });
    await until(() => admin.synced && other.synced);
    admin.doc.getText('t').insert(0, 'free text');
    await until(() => other.doc.getText('t').toString() === 'free text');
  });

  it('refuses a connection without a grant', async () => {
    const { sync } = setup();
    const anon = new FakeClient(sync, ROOM, { userId: 'x' }, { durableAcks: true });
    await until(() => anon.synced);
    anon.doc.getMap('meta').set('schemaVersion', 1);
    await until(() => anon.rejections.length > 0);
    expect(anon.rejections[0]!.code).toBe('forbidden');
  });
});

describe('the awareness accept step', () => {
  it('lets a read-only user share a cursor but not document-like data', async () => {
    const { sync } = setup();
    const olga = new FakeClient(sync, ROOM, grant('olga', 'observer', true));
    const alice = new FakeClient(sync, ROOM, grant('alice', 'reader'));
    await until(() => olga.synced && alice.synced);
    olga.sendAwareness({ annotations: { a: box() } });
    await until(() => olga.permissionDenied.length === 1);
    expect(olga.permissionDenied[0]).toMatch(/^presence_only/);
    olga.sendAwareness({ user: { name: 'Olga' }, cursor: { x: 3, y: 4 } });
    await until(() => alice.awareness.getStates().has(olga.doc.clientID));
    expect(alice.awareness.getStates().get(olga.doc.clientID)).toEqual({ user: { name: 'Olga' }, cursor: { x: 3, y: 4 } });
  });

  it("drops, without refusing, awareness for a client id another user's connection claimed or writes the document under", async () => {
    const { sync } = setup();
    const alice = new FakeClient(sync, ROOM, grant('alice', 'reader'));
    const mallory = new FakeClient(sync, ROOM, grant('mallory', 'reader'));
    const alice2 = new FakeClient(sync, ROOM, grant('alice', 'reader'));
    const watcher = new FakeClient(sync, ROOM, grant('walt', 'reader'));
    await until(() => alice.synced && mallory.synced && alice2.synced && watcher.synced);
    alice.sendAwareness({ user: 'alice' });
    await until(() => watcher.awareness.getStates().has(alice.doc.clientID));
    // Mallory claims alice's client id: dropped (a stock client relaying others' states looks the same).
    mallory.sendRaw(encodeAwareness(awarenessFor(alice.doc.clientID, 99, { user: 'mallory' })));
    mallory.sendAwareness({ user: 'mallory' }); // her own state still goes through, after the spoof
    await until(() => watcher.awareness.getStates().has(mallory.doc.clientID));
    expect(watcher.awareness.getStates().get(alice.doc.clientID)).toEqual({ user: 'alice' });
    expect(mallory.permissionDenied).toEqual([]);
    expect(mallory.socket.isClosed).toBe(false);
    // the same user on another connection may take over its own client id
    alice2.sendRaw(encodeAwareness(awarenessFor(alice.doc.clientID, 100, { user: 'alice again' })));
    await until(() => watcher.awareness.getStates().get(alice.doc.clientID)?.user === 'alice again');
    // a document writer's client id is theirs in awareness too, even with no connection claiming it
    new StudyDocument(alice.doc, { userId: 'alice' }).createBox2d(box());
    await sync.flushAll();
    alice.disconnect();
    alice2.disconnect();
    await until(() => !watcher.awareness.getStates().has(alice.doc.clientID));
    mallory.sendRaw(encodeAwareness(awarenessFor(alice.doc.clientID, 200, { user: 'mallory' })));
    mallory.sendAwareness({ user: 'mallory', slice: 2 });
    await until(() => (watcher.awareness.getStates().get(mallory.doc.clientID) as { slice?: number } | undefined)?.slice === 2);
    expect(watcher.awareness.getStates().has(alice.doc.clientID)).toBe(false);
  });

  it('keeps a stock-like client that relays its colleagues\' awareness connected', async () => {
    const { sync } = setup();
    const alice = new FakeClient(sync, ROOM, grant('alice', 'reader'));
    const bob = new FakeClient(sync, ROOM, grant('bob', 'reader'));
    await until(() => alice.synced && bob.synced);
    alice.sendAwareness({ user: 'alice' });
    await until(() => bob.awareness.getStates().has(alice.doc.clientID));
    // Relay alice's state back 30 times, as y-websocket does on every awareness change it sees.
    for (let i = 0; i < 30; i++) bob.sendRaw(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(bob.awareness, [alice.doc.clientID])));
    await new Promise((r) => setTimeout(r, 50));
    expect(bob.socket.isClosed).toBe(false);
    expect(bob.permissionDenied).toEqual([]);
  });
});

function awarenessFor(clientId: number, clock: number, state: Record<string, unknown>): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, JSON.stringify(state));
  return encoding.toUint8Array(e);
}
