import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NewUpdate } from '@readingroom/sync-server';
import { runStorageAdapterTests } from '@readingroom/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './schema';
import { SqliteStorage } from './sqlite-storage';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'readingroom-sqlite-'));
}

runStorageAdapterTests('sqlite', async () => {
  const dir = tempDir();
  return {
    storage: SqliteStorage.open({ filename: join(dir, 'rooms.db') }),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const entry = (byte: number, userId: string | null = 'u'): NewUpdate => ({
  update: Uint8Array.of(byte),
  userId,
  receivedAt: 1_700_000_000_000 + byte,
});

describe('SqliteStorage on a file', () => {
  let dir: string;
  let file: string;
  const open: SqliteStorage[] = [];
  const openStorage = (synchronous?: 'FULL' | 'NORMAL'): SqliteStorage => {
    const storage = SqliteStorage.open({ filename: file, ...(synchronous ? { synchronous } : {}) });
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

  it('keeps snapshot, tail and the seq counter across close and reopen', async () => {
    const first = openStorage();
    await first.appendUpdates('r', [entry(1), entry(2, null), entry(3)]);
    await first.compact('r', Uint8Array.of(0xaa), 3); // the whole log: only the counter remembers 3
    await first.appendUpdates('r', [entry(4)]);
    await first.close();

    const second = openStorage();
    const record = await second.loadRoom('r');
    expect(record.snapshot).toEqual(Uint8Array.of(0xaa));
    expect(record.snapshotSeq).toBe(3);
    expect(record.updates).toEqual([
      { seq: 4, update: Uint8Array.of(4), userId: 'u', receivedAt: 1_700_000_000_004 },
    ]);
    expect(await second.appendUpdates('r', [entry(5)])).toBe(5);
    expect(await second.listRooms()).toEqual(['r']);
  });

  it('runs in WAL mode with synchronous=FULL by default and a busy timeout', () => {
    expect(openStorage().pragmas()).toEqual({
      journalMode: 'wal',
      synchronous: 2,
      busyTimeoutMs: 5_000,
      userVersion: SCHEMA_VERSION,
    });
  });

  it('uses synchronous=NORMAL only when asked to', () => {
    expect(openStorage('NORMAL').pragmas().synchronous).toBe(1);
  });

  it('refuses to open a database written by a newer schema, and leaves it untouched', () => {
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openStorage()).toThrow(/newer/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    check.close();
  });

  it('rolls back the whole batch when the database rejects one row part-way', async () => {
    const storage = openStorage();
    await storage.appendUpdates('r', [entry(1)]);
    // Plant a row where seq 3 will go, so the third insert of the next batch hits the key.
    const raw = new Database(file);
    raw.prepare("INSERT INTO updates (room, seq, user_id, received_at, data) VALUES ('r', 3, NULL, 0, x'ff')").run();
    raw.close();
    await expect(storage.appendUpdates('r', [entry(2), entry(3)])).rejects.toThrow(/UNIQUE|PRIMARY/);
    const record = await storage.loadRoom('r');
    expect(record.updates.map((u) => [u.seq, Array.from(u.update)])).toEqual([[1, [1]], [3, [0xff]]]);
    expect(await storage.appendUpdates('r', [])).toBe(1);
  });

  it('gives distinct, gap-free seqs when two connections append to the same room', async () => {
    const a = openStorage();
    const b = openStorage();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).appendUpdates('r', [entry(i & 0xff)])),
    );
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const { updates } = await a.loadRoom('r');
    expect(updates.map((u) => u.update[0])).toEqual(Array.from({ length: 100 }, (_, i) => i & 0xff));
  });

  it('returns plain Uint8Arrays, not driver Buffers', async () => {
    const storage = openStorage();
    await storage.appendUpdates('r', [entry(1), entry(2)]);
    await storage.compact('r', Uint8Array.of(9), 1);
    const record = await storage.loadRoom('r');
    expect(Object.getPrototypeOf(record.snapshot)).toBe(Uint8Array.prototype);
    expect(Object.getPrototypeOf(record.updates[0]?.update)).toBe(Uint8Array.prototype);
  });
});
