import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NewUpdate } from '@readingroom/sync-server';
import { runStorageAdapterTests } from '@readingroom/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './schema';
import { SqliteStorage } from './sqlite-storage';
import { WorkerSqliteStorage } from './worker-sqlite-storage';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'readingroom-sqlite-worker-'));
}

runStorageAdapterTests('sqlite in a worker thread', async () => {
  const dir = tempDir();
  return {
    storage: await WorkerSqliteStorage.open({ filename: join(dir, 'rooms.db') }),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const entry = (byte: number, userId: string | null = 'u'): NewUpdate => ({
  update: Uint8Array.of(byte),
  userId,
  receivedAt: 1_700_000_000_000 + byte,
});

/** Kills the worker thread under the adapter, as a crash would (same 'exit' path). */
const killWorker = (storage: WorkerSqliteStorage): Promise<number> => storage['worker'].terminate();

describe('WorkerSqliteStorage', () => {
  let dir: string;
  let file: string;
  const open: Array<{ close(): Promise<void> }> = [];
  const openStorage = async (synchronous?: 'FULL' | 'NORMAL'): Promise<WorkerSqliteStorage> => {
    const storage = await WorkerSqliteStorage.open({ filename: file, ...(synchronous ? { synchronous } : {}) });
    open.push(storage);
    return storage;
  };

  beforeEach(() => {
    dir = tempDir();
    file = join(dir, 'rooms.db');
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens with the same settings as SqliteStorage: WAL, synchronous=FULL by default, NORMAL on request', async () => {
    expect(await (await openStorage()).pragmas()).toEqual({
      journalMode: 'wal',
      synchronous: 2,
      busyTimeoutMs: 5_000,
      userVersion: SCHEMA_VERSION,
    });
    expect((await (await openStorage('NORMAL')).pragmas()).synchronous).toBe(1);
  });

  it('rejects open with the driver error for a file from a newer schema, and leaves it untouched', async () => {
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    await expect(openStorage()).rejects.toThrow(/newer/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('waits for every call made before close, and a plain SqliteStorage then reads all of it from the file', async () => {
    const storage = await openStorage();
    const appends = Array.from({ length: 50 }, (_, i) => storage.appendUpdates(`room-${i % 3}`, [entry(i)]));
    const compacted = storage.compact('room-0', Uint8Array.of(0xaa), 1); // runs after the appends: call order
    await storage.close();
    // Every call had settled (successfully) by the time close resolved.
    const settled = await Promise.allSettled([...appends, compacted]);
    expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);

    const plain = SqliteStorage.open({ filename: file });
    open.push(plain);
    expect((await plain.listRooms()).sort()).toEqual(['room-0', 'room-1', 'room-2']);
    const room1 = await plain.loadRoom('room-1');
    expect(room1.updates.map((u) => [u.seq, u.update[0], u.userId])).toEqual(
      Array.from({ length: 17 }, (_, k) => [k + 1, 3 * k + 1, 'u']),
    );
    const room0 = await plain.loadRoom('room-0');
    expect([room0.snapshot, room0.snapshotSeq]).toEqual([Uint8Array.of(0xaa), 1]);
    expect(room0.updates.map((u) => u.update[0])).toEqual(Array.from({ length: 16 }, (_, k) => 3 * (k + 1)));
  });

  it('resolves an append only once it is committed: another connection already sees it', async () => {
    const storage = await openStorage();
    const reader = SqliteStorage.open({ filename: file });
    open.push(reader);
    for (let i = 1; i <= 20; i++) {
      const seq = await storage.appendUpdates('r', [entry(i)]);
      const seen = (await reader.loadRoom('r')).updates.at(-1);
      expect([seq, seen?.seq, seen?.update[0]]).toEqual([i, i, i]);
    }
  });

  it('rejects with the original error class, message and SQLite code', async () => {
    const storage = await openStorage();
    await storage.appendUpdates('r', [entry(1)]);
    await expect(storage.compact('r', Uint8Array.of(1), 5)).rejects.toThrow(
      new RangeError('compact("r"): uptoSeq 5 is beyond the last stored seq (1)'),
    );
    await expect(storage.compact('r', Uint8Array.of(1), 5)).rejects.toBeInstanceOf(RangeError);
    const bad = [entry(2), { update: 'not bytes', userId: null, receivedAt: 1 } as unknown as NewUpdate];
    await expect(storage.appendUpdates('r', bad)).rejects.toThrow(new TypeError('updates[1].update must be a Uint8Array'));

    // A row planted where seq 3 will go makes the database itself fail the next batch.
    const raw = new Database(file);
    raw.prepare("INSERT INTO updates (room, seq, user_id, received_at, data) VALUES ('r', 3, NULL, 0, x'ff')").run();
    raw.close();
    await expect(storage.appendUpdates('r', [entry(2), entry(3)])).rejects.toMatchObject({
      name: 'SqliteError',
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
    expect(await storage.appendUpdates('r', [])).toBe(1);
  });

  it('neither detaches nor changes the caller’s buffers, even a pooled Buffer or a view into a larger buffer', async () => {
    const storage = await openStorage();
    const pooled = Buffer.from([1, 2, 3]);
    const neighbour = Buffer.from([9, 9]); // small Buffers share one pool ArrayBuffer
    const big = Uint8Array.of(10, 11, 12, 13, 14);
    const view = big.subarray(1, 3);
    await storage.appendUpdates('r', [{ update: pooled, userId: null, receivedAt: 1 }, { update: view, userId: 'u', receivedAt: 2 }]);
    await storage.compact('r', view, 1);

    expect([...pooled, ...neighbour, ...big]).toEqual([1, 2, 3, 9, 9, 10, 11, 12, 13, 14]);
    expect(big.buffer.byteLength).toBe(5);
    const record = await storage.loadRoom('r');
    expect(record.snapshot).toEqual(Uint8Array.of(11, 12));
    expect(record.updates.map((u) => Array.from(u.update))).toEqual([[11, 12]]);
    expect(Object.getPrototypeOf(record.updates[0]?.update)).toBe(Uint8Array.prototype);
  });

  it('rejects unanswered and later calls with a clear error when the worker dies, keeping what was acknowledged', async () => {
    const storage = await openStorage();
    expect(await storage.appendUpdates('r', [entry(1)])).toBe(1);

    const dying = killWorker(storage);
    const unanswered = [storage.appendUpdates('r', [entry(2)]), storage.loadRoom('r'), storage.listRooms()];
    await dying;
    for (const call of unanswered) {
      await expect(call).rejects.toThrow(/SQLite storage worker stopped unexpectedly \(exited with code 1\).*not answered/);
    }
    await expect(storage.appendUpdates('r', [entry(3)])).rejects.toThrow(
      'SQLite storage worker stopped unexpectedly (exited with code 1); storage is unavailable',
    );
    await expect(storage.loadRoom('r')).rejects.toThrow(/stopped unexpectedly/);
    await expect(storage.close()).resolves.toBeUndefined();

    const plain = SqliteStorage.open({ filename: file });
    open.push(plain);
    expect((await plain.loadRoom('r')).updates[0]).toEqual({
      seq: 1,
      update: Uint8Array.of(1),
      userId: 'u',
      receivedAt: 1_700_000_000_001,
    });
  });

  it('returns the same promise from concurrent closes, resolves later closes, and rejects calls after close', async () => {
    const storage = await openStorage();
    const first = storage.close();
    const second = storage.close();
    expect(second).toBe(first);
    await expect(first).resolves.toBeUndefined();
    await expect(storage.close()).resolves.toBeUndefined();
    await expect(storage.appendUpdates('r', [entry(1)])).rejects.toThrow('WorkerSqliteStorage is closed');
    await expect(storage.pragmas()).rejects.toThrow('WorkerSqliteStorage is closed');
  });
});
