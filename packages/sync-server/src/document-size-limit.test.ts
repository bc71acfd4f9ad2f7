import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FakeClient, until } from '@readingroom/testing';
import { MemoryStorage } from './memory-storage';
import { SyncServer } from './sync-server';

const alice = { userId: 'alice' };
const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));

async function storedBytes(storage: MemoryStorage, room: string): Promise<number> {
  const record = await storage.loadRoom(room);
  return (record.snapshot?.byteLength ?? 0) + record.updates.reduce((n, u) => n + u.update.byteLength, 0);
}

describe('document size limit', () => {
  it('refuses an update that would take the stored room past maxDocumentBytes, and keeps accepting small ones below it', async () => {
    const storage = new MemoryStorage();
    const sync = new SyncServer({ storage, unloadDelayMs: 0, flushDelayMs: 1, limits: { maxDocumentBytes: 4000 } });
    const a = new FakeClient(sync, 'r', alice, { durableAcks: true });
    await until(() => a.synced);
    a.doc.getMap('m').set('first', 'x'.repeat(1000));
    await sync.flushAll();
    expect(a.rejections).toEqual([]);
    a.doc.getMap('m').set('big', 'y'.repeat(5000));
    await until(() => a.rejections.length === 1);
    expect(a.rejections[0]!.code).toBe('document_too_large');
    await sync.flushAll();
    const record = await storage.loadRoom('r');
    const stored = new Y.Doc();
    for (const u of record.updates) Y.applyUpdate(stored, u.update);
    expect(stored.getMap('m').has('big')).toBe(false);
    expect(stored.getMap('m').get('first')).toHaveLength(1000);
    expect(a.socket.isClosed).toBe(false);
    a.disconnect();
  });

  it('counts a room loaded from storage at its stored size, and recounts after compaction', async () => {
    const storage = new MemoryStorage();
    const seed = new Y.Doc();
    seed.getMap('m').set('seed', 'z'.repeat(3000));
    await storage.appendUpdates('r', [{ update: Y.encodeStateAsUpdate(seed), userId: null, receivedAt: 1 }]);
    const sync = new SyncServer({ storage, unloadDelayMs: 10_000, flushDelayMs: 1, compactAfterUpdates: 3, limits: { maxDocumentBytes: 3500 } });
    const a = new FakeClient(sync, 'r', alice, { durableAcks: true });
    await until(() => a.synced);
    expect(sync.roomStoredBytes('r')).toBe(await storedBytes(storage, 'r'));
    a.doc.getMap('m').set('more', 'w'.repeat(600));
    await until(() => a.rejections.length === 1);
    // a's later edits depend on the refused one; another client edits on. Overwriting one key:
    // the log grows, compaction (every 3 updates) folds it back into a snapshot.
    const b = new FakeClient(sync, 'r', { userId: 'bob' });
    await until(() => b.synced);
    for (let i = 0; i < 7; i++) {
      b.doc.getMap('m').set('counter', i);
      await sync.flushAll();
      await settle(5);
    }
    await settle(30);
    expect((await storage.loadRoom('r')).snapshot).not.toBeNull();
    expect(sync.roomStoredBytes('r')).toBe(await storedBytes(storage, 'r'));
    expect(sync.roomStoredBytes('r')).toBeLessThanOrEqual(3500);
    a.disconnect();
    b.disconnect();
  });
});
