import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MemoryUserStore } from './memory-user-store';
import { SqliteUserStore } from './sqlite-user-store';
import { runUserStoreTests } from './user-store.suite';
import { usernameSchema } from './user-store';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'rr-users-')), 'readingroom.db');

runUserStoreTests('memory', async () => new MemoryUserStore());
runUserStoreTests('sqlite', async () => SqliteUserStore.open({ filename: tmpDb() }));

describe('SqliteUserStore', () => {
  it('keeps users across reopen, uses WAL and records the schema version', async () => {
    const filename = tmpDb();
    const first = SqliteUserStore.open({ filename });
    await first.create({ username: 'ada', passwordHash: 'h', isAdmin: false });
    await first.close();
    const second = SqliteUserStore.open({ filename });
    expect(await second.findByUsername('ada')).not.toBeNull();
    await second.close();
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a database written by a newer schema', () => {
    const filename = tmpDb();
    const db = new Database(filename);
    db.pragma('user_version = 99');
    db.close();
    expect(() => SqliteUserStore.open({ filename })).toThrow(/schema version 99/);
  });
});

describe('usernameSchema', () => {
  it.each(['admin', 'a1', 'dr.smith', 'j_doe-2'])('accepts %s', (name) => {
    expect(usernameSchema.safeParse(name).success).toBe(true);
  });
  it.each(['', 'a', 'Admin', '.hidden', 'has space', 'x'.repeat(65), 'ü-user'])('rejects %j', (name) => {
    expect(usernameSchema.safeParse(name).success).toBe(false);
  });
});
