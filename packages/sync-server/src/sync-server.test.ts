import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FakeClient, FakeSocket, until } from '@readingroom/testing';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CloseCode, encodeAwareness, encodeSyncStep1, encodeSyncUpdate } from '@readingroom/protocol';
import { MemoryStorage } from './memory-storage';
import { SyncServer, type SyncServerOptions } from './sync-server';
import type { DocumentStorage, NewUpdate, RoomRecord } from './storage';

const alice = { userId: 'alice' };
const bob = { userId: 'bob' };

/** Lets timers and storage promises run. */
const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));

function server(opts: Partial<SyncServerOptions> = {}) {
  const storage = (opts.storage as MemoryStorage | undefined) ?? new MemoryStorage();
  return { storage, sync: new SyncServer({ unloadDelayMs: 0, flushDelayMs: 1, ...opts, storage }) };
}

async function storedDoc(storage: DocumentStorage, room: string): Promise<Y.Doc> {
  const record = await storage.loadRoom(room);
  const doc = new Y.Doc();
  if (record.snapshot) Y.applyUpdate(doc, record.snapshot);
  for (const u of record.updates) Y.applyUpdate(doc, u.update);
  return doc;
}

/** Storage whose writes and loads wait until released, to observe ordering. */
class GatedStorage extends MemoryStorage {
  gate: Promise<void> = Promise.resolve();
  release: () => void = () => {};
  hold(): void {
    this.gate = new Promise((r) => (this.release = r));
  }
  override async appendUpdates(room: string, updates: readonly NewUpdate[]): Promise<number> {
    await this.gate;
    return super.appendUpdates(room, updates);
  }
  override async loadRoom(room: string): Promise<RoomRecord> {
    await this.gate;
    return super.loadRoom(room);
  }
}

describe('SyncServer', () => {
  it('merges edits of two clients in one room', async () => {
    const { sync } = server();
    const a = new FakeClient(sync, 'study-1', alice);
    const b = new FakeClient(sync, 'study-1', bob);
    await until(() => a.synced && b.synced);
    a.doc.getMap('m').set('a', 1);
    b.doc.getMap('m').set('b', 2);
    await until(() => a.doc.getMap('m').size === 2 && b.doc.getMap('m').size === 2);
    expect(a.doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
    expect(b.doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
  });

  it('loads the room from storage before answering sync step 1', async () => {
    const storage = new GatedStorage();
    const seed = new Y.Doc();
    seed.getMap('m').set('stored', true);
    await storage.appendUpdates('r', [{ update: Y.encodeStateAsUpdate(seed), userId: null, receivedAt: 1 }]);
    storage.hold();
    const { sync } = server({ storage });
    const c = new FakeClient(sync, 'r', alice);
    await settle();
    expect(c.socket.sent).toHaveLength(0);
    expect(sync.roomState('r')).toBe('loading');
    storage.release();
    await until(() => c.synced);
    expect(c.doc.getMap('m').get('stored')).toBe(true);
  });

  it('never applies, stores or broadcasts an update the accept step refuses, and tells the sender', async () => {
    const { sync, storage } = server({
      hooks: { acceptUpdate: (p) => (p.identity.userId === 'bob' ? { accept: false, code: 'read_only', message: 'observer' } : { accept: true }) },
    });
    const a = new FakeClient(sync, 'r', alice);
    const b = new FakeClient(sync, 'r', bob, { durableAcks: true });
    await until(() => a.synced && b.synced);
    b.doc.getMap('m').set('evil', 1);
    await until(() => b.permissionDenied.length > 0);
    await sync.flushAll();
    expect(a.doc.getMap('m').has('evil')).toBe(false);
    expect((await storedDoc(storage, 'r')).getMap('m').has('evil')).toBe(false);
    expect(b.permissionDenied[0]).toContain('read_only');
    expect(b.rejections).toEqual([{ code: 'read_only', message: 'observer' }]);
    expect(b.socket.isClosed).toBe(false);
  });

  it('closes only the offending connection on a malformed frame and leaves the room unchanged', async () => {
    const { sync, storage } = server();
    const a = new FakeClient(sync, 'r', alice);
    const b = new FakeClient(sync, 'r', bob);
    await until(() => a.synced && b.synced);
    a.doc.getMap('m').set('x', 1);
    await sync.flushAll();
    const before = Y.encodeStateAsUpdate(await storedDoc(storage, 'r'));
    b.sendRaw(new Uint8Array([0, 2, 200, 1, 2]));
    expect(b.socket.closeCode).toBe(CloseCode.MalformedMessage);
    expect(b.socket.closeReason).toMatch(/malformed/);
    const c = new FakeClient(sync, 'r', bob);
    await until(() => c.synced);
    c.sendRaw(encodeSyncUpdate(new Uint8Array([1, 1, 5, 0, 40, 1, 0, 0])));
    expect(c.socket.closeCode).toBe(CloseCode.InvalidUpdate);
    a.doc.getMap('m').set('y', 2);
    await sync.flushAll();
    expect(a.socket.isClosed).toBe(false);
    const after = await storedDoc(storage, 'r');
    expect(after.getMap('m').toJSON()).toEqual({ x: 1, y: 2 });
    expect(before.length).toBeGreaterThan(0);
  });

  it('acknowledges an update as durable only after storage has written it', async () => {
    const storage = new GatedStorage();
    const { sync } = server({ storage });
    const a = new FakeClient(sync, 'r', alice, { durableAcks: true });
    await until(() => a.synced && a.ackedMessages === a.sentUpdates);
    storage.hold();
    a.doc.getMap('m').set('k', 'v');
    await settle(30);
    expect(a.ackedMessages).toBeLessThan(a.sentUpdates);
    storage.release();
    await until(() => a.ackedMessages === a.sentUpdates);
    expect((await storedDoc(storage, 'r')).getMap('m').get('k')).toBe('v');
  });

  it('sends no extension message to a client that did not ask for acknowledgements', async () => {
    const { sync } = server();
    const a = new FakeClient(sync, 'r', alice);
    await until(() => a.synced);
    a.doc.getMap('m').set('k', 1);
    await sync.flushAll();
    await settle();
    expect(a.socket.sent.every((f) => f[0]! < 100)).toBe(true);
  });

  it('unloads a room after flushing when its last client leaves, and a later client gets the state', async () => {
    const { sync, storage } = server();
    const a = new FakeClient(sync, 'r', alice);
    await until(() => a.synced);
    a.doc.getMap('m').set('k', 1);
    a.disconnect();
    await until(() => sync.roomCount === 0);
    expect((await storedDoc(storage, 'r')).getMap('m').get('k')).toBe(1);
    const b = new FakeClient(sync, 'r', bob);
    await until(() => b.synced);
    expect(b.doc.getMap('m').get('k')).toBe(1);
  });

  it('loses nothing when a client joins while the room is unloading', async () => {
    const storage = new GatedStorage();
    const { sync } = server({ storage });
    const a = new FakeClient(sync, 'r', alice);
    await until(() => a.synced);
    storage.hold();
    a.doc.getMap('m').set('k', 1);
    a.disconnect();
    await settle(5);
    expect(sync.roomState('r')).toBe('unloading');
    const b = new FakeClient(sync, 'r', bob);
    b.doc.getMap('m').set('fromB', 2);
    storage.release();
    await until(() => b.synced && b.doc.getMap('m').get('k') === 1);
    await sync.flushAll();
    expect((await storedDoc(storage, 'r')).getMap('m').toJSON()).toEqual({ k: 1, fromB: 2 });
  });

  it('removes a client\'s awareness state when it disconnects', async () => {
    const { sync } = server();
    const a = new FakeClient(sync, 'r', alice);
    const b = new FakeClient(sync, 'r', bob);
    await until(() => a.synced && b.synced);
    a.sendAwareness({ user: 'alice', slice: 3 });
    await until(() => b.awareness.getStates().has(a.doc.clientID));
    a.disconnect();
    await until(() => !b.awareness.getStates().has(a.doc.clientID));
  });

  it('closes a slow consumer with 1013 instead of buffering without end', async () => {
    const { sync } = server({ limits: { maxBufferedBytes: 1000 } });
    const a = new FakeClient(sync, 'r', alice);
    const b = new FakeClient(sync, 'r', bob);
    await until(() => a.synced && b.synced);
    b.socket.bufferedAmount = 5000;
    a.doc.getMap('m').set('k', 'x'.repeat(100));
    expect(b.socket.closeCode).toBe(CloseCode.TryAgainLater);
    expect(a.socket.isClosed).toBe(false);
  });

  it('shuts down by flushing every room and closing sockets with 1012', async () => {
    const { sync, storage } = server({ flushDelayMs: 1000 });
    const a = new FakeClient(sync, 'r', alice);
    await until(() => a.synced);
    a.doc.getMap('m').set('k', 1);
    await sync.shutdown();
    expect(a.socket.closeCode).toBe(1012);
    expect((await storedDoc(storage, 'r')).getMap('m').get('k')).toBe(1);
    expect(sync.roomCount).toBe(0);
    const late = new FakeSocket();
    sync.connect(late, { room: 'r', identity: alice });
    expect(late.closeCode).toBe(1012);
  });

  it('answers a malformed state vector by closing that connection', async () => {
    const { sync } = server();
    const a = new FakeClient(sync, 'r', alice);
    await until(() => a.synced);
    a.sendRaw(encodeSyncStep1(new Uint8Array([5, 1])));
    expect(a.socket.closeCode).toBe(CloseCode.MalformedMessage);
  });
});

describe('SyncServer with updates whose dependencies the room lacks', () => {
  it('drops the unintegrable part, asks the sender to resync, and stores the whole edit under the sender', async () => {
    const { sync, storage } = server();
    const b = new FakeClient(sync, 'r', bob);
    const carol = new FakeClient(sync, 'r', { userId: 'carol' });
    await until(() => b.synced && carol.synced);
    // Two edits made elsewhere; carol holds both but the server first receives only the second.
    const elsewhere = new Y.Doc();
    const updates: Uint8Array[] = [];
    elsewhere.on('update', (u: Uint8Array) => updates.push(u));
    elsewhere.getArray('list').push(['first']);
    elsewhere.getArray('list').push(['second']);
    Y.applyUpdate(carol.doc, updates[0]!, carol); // origin = the client itself: not sent
    Y.applyUpdate(carol.doc, updates[1]!, carol);
    const before = carol.socket.sent.length;
    carol.sendRaw(encodeSyncUpdate(updates[1]!));
    await until(() => b.doc.getArray('list').length === 2);
    // The server answered with a sync step 1 (resync request), carol answered with step 2.
    expect(carol.socket.sent.slice(before).some((f) => f[0] === 0 && f[1] === 0)).toBe(true);
    await sync.flushAll();
    const stored = await storage.loadRoom('r');
    expect((await storedDoc(storage, 'r')).getArray('list').toArray()).toEqual(['first', 'second']);
    const withContent = stored.updates.filter((u) => u.userId === 'carol');
    expect(withContent.length).toBeGreaterThan(0);
    expect(stored.updates.every((u) => u.userId === 'carol' || u.userId === 'bob')).toBe(true);
  });
});

describe('SyncServer staging for validators', () => {
  it('lets the accept step inspect what an update would change, and keeps the staging copy in step with the room', async () => {
    const seen: string[][] = [];
    const { sync, storage } = server({
      hooks: {
        acceptUpdate: (p) => {
          const staged = p.stage();
          const keys = [...staged.transaction.changed.values()].flatMap((s) => [...s].map(String));
          seen.push(keys);
          // The room itself is untouched while deciding.
          if (p.doc.getMap('m').has('forbidden')) throw new Error('room was changed before acceptance');
          if (keys.includes('forbidden')) return { accept: false, code: 'schema', message: 'key not allowed' };
          // The staging copy reflects the room plus this update.
          return staged.doc.getMap('m').size <= 3 ? { accept: true } : { accept: false, code: 'limit', message: 'too many keys' };
        },
      },
    });
    const a = new FakeClient(sync, 'r', alice);
    const b = new FakeClient(sync, 'r', bob);
    await until(() => a.synced && b.synced);
    a.doc.getMap('m').set('one', 1);
    b.doc.getMap('m').set('forbidden', 1);
    await until(() => b.permissionDenied.length === 1);
    a.doc.getMap('m').set('two', 2);
    a.doc.getMap('m').set('three', 3);
    await until(() => b.doc.getMap('m').has('three'));
    // A fourth key is refused on the staging copy's size: it must not count the refused 'forbidden'.
    a.doc.getMap('m').set('four', 4);
    await until(() => a.permissionDenied.length === 1);
    await sync.flushAll();
    expect((await storedDoc(storage, 'r')).getMap('m').toJSON()).toEqual({ one: 1, two: 2, three: 3 });
    expect(seen.some((k) => k.includes('forbidden'))).toBe(true);
  });
});

describe('SyncServer durable acknowledgements and missing dependencies', () => {
  it('does not acknowledge an update whose content waits for a resync until the resync has stored it', async () => {
    const { sync, storage } = server();
    const carol = new FakeClient(sync, 'r', { userId: 'carol' }, { durableAcks: true });
    await until(() => carol.synced && carol.ackedMessages === carol.sentUpdates);
    const elsewhere = new Y.Doc();
    const updates: Uint8Array[] = [];
    elsewhere.on('update', (u: Uint8Array) => updates.push(u));
    elsewhere.getMap('m').set('first', 1);
    elsewhere.getMap('m').set('second', 2);
    Y.applyUpdate(carol.doc, updates[0]!, carol);
    Y.applyUpdate(carol.doc, updates[1]!, carol);
    carol.holdSyncStep1 = true;
    const before = carol.ackedMessages;
    carol.sendRaw(encodeSyncUpdate(updates[1]!)); // message before + 1, its content cannot be integrated yet
    await until(() => carol.heldStep1.length === 1);
    await sync.flushAll();
    await settle(30);
    expect(carol.ackedMessages).toBe(before);
    expect((await storedDoc(storage, 'r')).getMap('m').has('second')).toBe(false);
    carol.releaseSyncStep1();
    await until(() => carol.ackedMessages === before + 2);
    expect((await storedDoc(storage, 'r')).getMap('m').toJSON()).toEqual({ first: 1, second: 2 });
  });
});


describe('SyncServer resync after a refusal', () => {
  it('sends the refused sender sync step 1 and the full room state after the permission-denied, when enabled', async () => {
    const { sync } = server({
      resyncAfterRefusal: true,
      hooks: { acceptUpdate: (p) => (p.identity.userId === 'bob' ? { accept: false, code: 'read_only', message: 'observer' } : { accept: true }) },
    });
    const a = new FakeClient(sync, 'r', alice);
    await until(() => a.synced);
    a.doc.getMap('m').set('fromAlice', 1);
    // bob joins with an empty doc, then edits: refused
    const b = new FakeClient(sync, 'r', bob);
    await until(() => b.synced);
    const before = b.socket.sent.length;
    b.doc.getMap('m').set('evil', 1);
    await until(() => b.permissionDenied.length > 0);
    const after = b.socket.sent.slice(before);
    const kinds = after.map((f) => `${f[0]}/${f[0] === 0 || f[0] === 2 ? f[1] : ''}`);
    expect(kinds.slice(0, 3)).toEqual(['2/0', '0/1', '0/0']);
    // the step 2 holds the whole room: a fresh doc built from it equals the room
    const step2 = after[1]!;
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, decodeSyncPayload(step2));
    expect(fresh.getMap('m').toJSON()).toEqual({ fromAlice: 1 });
    // bob answered the step 1 with his refused change again (a sync step 2): refused, but not answered with another resync
    await until(() => b.permissionDenied.length === 2);
    await settle();
    expect(b.socket.sent.slice(before).filter((f) => f[0] === 0 && f[1] === 0)).toHaveLength(1);
    expect(a.doc.getMap('m').has('evil')).toBe(false);
  });

  it('sends no resync by default', async () => {
    const { sync } = server({ hooks: { acceptUpdate: () => ({ accept: false, code: 'no', message: 'never' }) } });
    const b = new FakeClient(sync, 'r', bob);
    await until(() => b.synced);
    const before = b.socket.sent.length;
    b.doc.getMap('m').set('x', 1);
    await until(() => b.permissionDenied.length === 1);
    await settle();
    expect(b.socket.sent.slice(before).filter((f) => f[0] === 0)).toHaveLength(0);
  });
});

describe('SyncServer awareness accept step', () => {
  it('applies only the entries the hook keeps and refuses a whole update with permission-denied', async () => {
    const { sync } = server({
      hooks: {
        acceptAwareness: ({ entries }) => {
          if (entries.some((e) => (e.state as { bad?: boolean } | null)?.bad)) return { accept: false, code: 'presence_only', message: 'not presence' };
          return { accept: true, entries: entries.filter((e) => e.clientId !== 999) };
        },
      },
    });
    const a = new FakeClient(sync, 'r', alice);
    const b = new FakeClient(sync, 'r', bob);
    await until(() => a.synced && b.synced);
    a.sendAwareness({ user: 'alice', bad: true });
    await until(() => a.permissionDenied.length === 1);
    expect(a.permissionDenied[0]).toContain('presence_only');
    a.sendAwareness({ user: 'alice' });
    await until(() => b.awareness.getStates().has(a.doc.clientID));
    expect(b.awareness.getStates().get(a.doc.clientID)).toEqual({ user: 'alice' });
    a.sendRaw(encodeAwareness(awarenessUpdateFor(999, { user: 'dropped' })));
    a.sendRaw(encodeAwareness(awarenessUpdateFor(1000, { user: 'kept' })));
    await until(() => b.awareness.getStates().has(1000));
    expect(b.awareness.getStates().has(999)).toBe(false);
  });

  it('tells the hook which other connection already claimed an awareness client id', async () => {
    const owners: Array<string | null> = [];
    const { sync } = server({
      hooks: {
        acceptAwareness: ({ entries, ownerOf, identity }) => {
          const owner = ownerOf(entries[0]!.clientId);
          owners.push(owner?.userId ?? null);
          return owner && owner.userId !== identity.userId ? { accept: false, code: 'clientid_taken', message: 'not yours' } : { accept: true };
        },
      },
    });
    const a = new FakeClient(sync, 'r', alice);
    const b = new FakeClient(sync, 'r', bob);
    await until(() => a.synced && b.synced);
    a.sendAwareness({ user: 'alice' });
    await until(() => b.awareness.getStates().has(a.doc.clientID));
    b.sendRaw(encodeAwareness(awarenessUpdateFor(a.doc.clientID, { user: 'mallory' }, 10)));
    await until(() => b.permissionDenied.length === 1);
    expect(owners).toEqual([null, 'alice']);
    expect(a.awareness.getStates().get(a.doc.clientID)).toEqual({ user: 'alice' });
  });
});

describe('SyncServer.listConnections', () => {
  it('lists every open connection with its identity and room', async () => {
    const { sync } = server();
    const a = new FakeClient(sync, 'r1', alice);
    const b = new FakeClient(sync, 'r2', bob);
    await until(() => a.synced && b.synced);
    expect(sync.listConnections().map((c) => `${c.roomName}:${c.identity.userId}`).sort()).toEqual(['r1:alice', 'r2:bob']);
    b.disconnect();
    expect(sync.listConnections().map((c) => c.identity.userId)).toEqual(['alice']);
  });
});

/** An awareness update for a made-up client id. */
function awarenessUpdateFor(clientId: number, state: Record<string, unknown>, clock = 1): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, JSON.stringify(state));
  return encoding.toUint8Array(e);
}

/** The payload of a sync frame (type 0). */
function decodeSyncPayload(frame: Uint8Array): Uint8Array {
  const d = decoding.createDecoder(frame);
  decoding.readVarUint(d);
  decoding.readVarUint(d);
  return decoding.readVarUint8Array(d);
}
