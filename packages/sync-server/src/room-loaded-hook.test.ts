import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FakeClient, until } from '@readingroom/testing';
import { encodeSyncUpdate } from '@readingroom/protocol';
import { MemoryStorage } from './memory-storage';
import { SyncServer } from './sync-server';
import type { SyncHooks } from './hooks';

const alice = { userId: 'alice' };

describe('SyncHooks.onRoomLoaded', () => {
  it('hands over the loaded document before any update is applied, so observers see every later change', async () => {
    const storage = new MemoryStorage();
    const seed = new Y.Doc();
    seed.getMap('m').set('stored', 1);
    await storage.appendUpdates('r', [{ update: Y.encodeStateAsUpdate(seed), userId: null, receivedAt: 1 }]);

    const seen: Array<{ atLoad: unknown; changes: string[] }> = [];
    const hooks: SyncHooks = {
      onRoomLoaded(room, doc) {
        expect(room).toBe('r');
        const entry = { atLoad: doc.getMap('m').toJSON(), changes: [] as string[] };
        seen.push(entry);
        doc.getMap('m').observe((e) => entry.changes.push(...e.keysChanged));
      },
    };
    const sync = new SyncServer({ storage, hooks, unloadDelayMs: 0, flushDelayMs: 1 });
    const a = new FakeClient(sync, 'r', alice);
    await until(() => a.synced);
    a.doc.getMap('m').set('edited', 2);
    await until(() => seen[0]?.changes.length === 1);
    expect(seen).toEqual([{ atLoad: { stored: 1 }, changes: ['edited'] }]);
    await sync.shutdown();
  });

  it('is called again with the replacement document after a failed apply rebuilt the room', async () => {
    const docs: Y.Doc[] = [];
    const sync = new SyncServer({ storage: new MemoryStorage(), hooks: { onRoomLoaded: (_room, doc) => docs.push(doc) }, unloadDelayMs: 0, flushDelayMs: 1 });
    const a = new FakeClient(sync, 'r', alice);
    const b = new FakeClient(sync, 'r', { userId: 'bob' });
    await until(() => a.synced && b.synced);
    a.doc.clientID = 1;
    a.doc.getMap('m').set('x', 1);
    a.doc.getText('t').insert(0, 'ab');
    await sync.flushAll();
    expect(docs).toHaveLength(1);
    // Decodes, but Yjs throws while integrating it against this state: the room rebuilds from storage.
    b.sendRaw(encodeSyncUpdate(new Uint8Array([1, 2, 2, 0, 196, 1, 1, 1, 0, 2, 122, 122, 167, 1, 0, 1, 1, 64, 1, 0, 0])));
    await until(() => docs.length === 2);
    expect(docs[1]).not.toBe(docs[0]);
    expect(docs[1]!.getMap('m').toJSON()).toEqual({ x: 1 });
    expect(docs[1]!.getText('t').toString()).toBe('ab');
    await sync.shutdown();
  });
});
