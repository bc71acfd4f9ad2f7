import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FakeClient, until } from '@readingroom/testing';
import type { AppliedUpdate, UpdateProposal } from './hooks';
import { MemoryStorage } from './memory-storage';
import { DocumentChangeError } from './server-change';
import type { DocumentStorage, NewUpdate } from './storage';
import { SyncServer, type SyncServerOptions } from './sync-server';

const rita = { userId: 'rita' };

function server(opts: Partial<SyncServerOptions> = {}) {
  const storage = (opts.storage as MemoryStorage | undefined) ?? new MemoryStorage();
  return { storage, sync: new SyncServer({ unloadDelayMs: 0, flushDelayMs: 1, ...opts, storage }) };
}

async function stored(storage: DocumentStorage, room: string): Promise<{ doc: Y.Doc; userIds: Array<string | null> }> {
  const record = await storage.loadRoom(room);
  const doc = new Y.Doc();
  if (record.snapshot) Y.applyUpdate(doc, record.snapshot);
  for (const u of record.updates) Y.applyUpdate(doc, u.update);
  return { doc, userIds: record.updates.map((u) => u.userId) };
}

async function seed(storage: DocumentStorage, room: string, values: Record<string, unknown>): Promise<void> {
  const doc = new Y.Doc();
  for (const [k, v] of Object.entries(values)) doc.getMap('m').set(k, v);
  await storage.appendUpdates(room, [{ update: Y.encodeStateAsUpdate(doc), userId: 'seeder', receivedAt: 1 }]);
}

/** Storage whose appends wait until released. */
class HeldWrites extends MemoryStorage {
  private gate: Promise<void> = Promise.resolve();
  release: () => void = () => {};
  hold(): void {
    this.gate = new Promise((r) => (this.release = r));
  }
  override async appendUpdates(room: string, updates: readonly NewUpdate[]): Promise<number> {
    await this.gate;
    return super.appendUpdates(room, updates);
  }
}

describe('SyncServer.changeDocument', () => {
  it('applies the change as the given user: live clients receive it and storage holds it, attributed, when it resolves', async () => {
    const applied: AppliedUpdate[] = [];
    const { sync, storage } = server({ hooks: { onUpdateApplied: (a) => applied.push(a) } });
    const a = new FakeClient(sync, 'r', { userId: 'alice' });
    await until(() => a.synced);

    const result = await sync.changeDocument('r', rita, (doc) => doc.getMap('m').set('note', 'from the server'));

    expect(result).toEqual({ changed: true });
    const after = await stored(storage, 'r');
    expect(after.doc.getMap('m').get('note')).toBe('from the server');
    expect(after.userIds).toEqual(['rita']);
    expect(applied.map((x) => x.identity?.userId)).toEqual(['rita']);
    await until(() => a.doc.getMap('m').get('note') === 'from the server');
    await sync.shutdown();
  });

  it('resolves only once the change is durable', async () => {
    const storage = new HeldWrites();
    const { sync } = server({ storage });
    storage.hold();
    let resolved = false;
    const pending = sync.changeDocument('r', rita, (doc) => doc.getMap('m').set('x', 1)).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(resolved).toBe(false);
    expect((await storage.loadRoom('r')).updates).toHaveLength(0);
    storage.release();
    await pending;
    expect((await stored(storage, 'r')).doc.getMap('m').get('x')).toBe(1);
    await sync.shutdown();
  });

  it('loads an unloaded room for the change, builds on its stored state, and unloads it after the unload delay', async () => {
    const { sync, storage } = server({ unloadDelayMs: 40 });
    await seed(storage, 'r', { before: true });

    await sync.changeDocument('r', rita, (doc) => doc.getMap('m').set('count', (doc.getMap('m').size as number) + 1));

    expect(sync.roomCount).toBe(1);
    await until(() => sync.roomCount === 0);
    expect((await stored(storage, 'r')).doc.getMap('m').toJSON()).toEqual({ before: true, count: 2 });
  });

  it('runs the acceptUpdate hook on the staged change and applies, stores and broadcasts nothing it refuses', async () => {
    const proposals: Array<{ via: string; sawNote: unknown }> = [];
    const { sync, storage } = server({
      hooks: {
        acceptUpdate: (p: UpdateProposal) => {
          proposals.push({ via: p.via, sawNote: p.stage().doc.getMap('m').get('note') });
          return p.identity.userId === 'olga' ? { accept: false, code: 'read_only', message: 'observers only look' } : { accept: true };
        },
      },
    });
    const a = new FakeClient(sync, 'r', { userId: 'alice' });
    await until(() => a.synced);

    const refused = sync.changeDocument('r', { userId: 'olga' }, (doc) => doc.getMap('m').set('note', 'forbidden'));
    await expect(refused).rejects.toBeInstanceOf(DocumentChangeError);
    await expect(refused).rejects.toMatchObject({ code: 'read_only', message: 'observers only look' });
    await sync.changeDocument('r', rita, (doc) => doc.getMap('m').set('note', 'allowed'));

    expect(proposals).toEqual([
      { via: 'server-change', sawNote: 'forbidden' },
      { via: 'server-change', sawNote: 'allowed' },
    ]);
    expect((await stored(storage, 'r')).userIds).toEqual(['rita']);
    await until(() => a.doc.getMap('m').get('note') === 'allowed');
    await sync.shutdown();
  });

  it('skips the acceptUpdate hook when asked to (validate: false)', async () => {
    const { sync, storage } = server({ hooks: { acceptUpdate: () => ({ accept: false, code: 'nope', message: 'refused' }) } });
    await sync.changeDocument('r', rita, (doc) => doc.getMap('m').set('x', 1), { validate: false });
    expect((await stored(storage, 'r')).doc.getMap('m').get('x')).toBe(1);
  });

  it('refuses a change that would take the document past its size limit', async () => {
    const { sync, storage } = server({ limits: { maxDocumentBytes: 200 } });
    const change = sync.changeDocument('r', rita, (doc) => doc.getMap('m').set('big', 'x'.repeat(500)));
    await expect(change).rejects.toMatchObject({ code: 'document_too_large' });
    expect((await storage.loadRoom('r')).updates).toHaveLength(0);
  });

  it('answers changed: false and stores nothing when the change writes nothing', async () => {
    const { sync, storage } = server();
    expect(await sync.changeDocument('r', rita, () => {})).toEqual({ changed: false });
    expect((await storage.loadRoom('r')).updates).toHaveLength(0);
    await until(() => sync.roomCount === 0);
  });

  it('rethrows an error of the change function, applies nothing and releases the room', async () => {
    const { sync, storage } = server();
    const failing = sync.changeDocument('r', rita, (doc) => {
      doc.getMap('m').set('half', 1);
      throw new Error('change failed');
    });
    await expect(failing).rejects.toThrow('change failed');
    expect((await storage.loadRoom('r')).updates).toHaveLength(0);
    await until(() => sync.roomCount === 0);
  });

  it('refuses with unavailable once the server is shutting down', async () => {
    const { sync } = server();
    await sync.shutdown();
    await expect(sync.changeDocument('r', rita, (doc) => doc.getMap('m').set('x', 1))).rejects.toMatchObject({ code: 'unavailable' });
    expect(sync.roomCount).toBe(0);
  });
});

describe('SyncServer.readDocument', () => {
  it('reads an unloaded room from storage, equal to the stored state, without loading a room', async () => {
    const { sync, storage } = server();
    await seed(storage, 'r', { a: 1, b: 'two' });

    const doc = await sync.readDocument('r');

    expect(sync.roomCount).toBe(0);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(Y.encodeStateAsUpdate((await stored(storage, 'r')).doc));
    expect(doc.getMap('m').toJSON()).toEqual({ a: 1, b: 'two' });
  });

  it("copies a loaded room's document, including edits not yet stored, and writing the copy changes nothing", async () => {
    const storage = new HeldWrites();
    const { sync } = server({ storage });
    const a = new FakeClient(sync, 'r', { userId: 'alice' });
    await until(() => a.synced);
    storage.hold();
    a.doc.getMap('m').set('fresh', 1);

    const copy = await sync.readDocument('r');
    expect(copy.getMap('m').get('fresh')).toBe(1);
    copy.getMap('m').set('fresh', 2);
    expect((await sync.readDocument('r')).getMap('m').get('fresh')).toBe(1);
    storage.release();
    await sync.shutdown();
  });

  it('reads an empty document for a room never written', async () => {
    const { sync } = server();
    expect(Y.encodeStateVector(await sync.readDocument('never'))).toEqual(Y.encodeStateVector(new Y.Doc()));
  });
});
