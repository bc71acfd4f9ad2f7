import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteUserStore } from '../users/sqlite-user-store';
import { MemoryProjectStore } from './memory-project-store';
import { DEFAULT_SETTINGS } from './project-schemas';
import { runProjectStoreTests } from './project-store.suite';
import { SqliteProjectStore } from './sqlite-project-store';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'rr-projects-')), 'readingroom.db');

runProjectStoreTests('memory', async () => new MemoryProjectStore());
runProjectStoreTests('sqlite', async () => SqliteProjectStore.open({ filename: tmpDb() }));

describe('SqliteProjectStore', () => {
  it('shares readingroom.db with the user store and keeps projects across reopen', async () => {
    const filename = tmpDb();
    const users = SqliteUserStore.open({ filename });
    const first = SqliteProjectStore.open({ filename });
    const ada = await users.create({ username: 'ada', passwordHash: 'h', isAdmin: true });
    const p = await first.createProject({ name: 'P', description: '', settings: DEFAULT_SETTINGS, createdBy: ada.id });
    await first.close();
    const second = SqliteProjectStore.open({ filename });
    expect(await second.getProject(p.id)).toEqual(p);
    expect(await users.findById(ada.id)).not.toBeNull();
    await second.close();
    await users.close();
    const db = new Database(filename, { readonly: true });
    expect(db.prepare("SELECT version FROM schema_components WHERE component = 'projects'").get()).toEqual({ version: 1 });
    db.close();
  });

  it('refuses a database whose project tables are newer than this server', () => {
    const filename = tmpDb();
    SqliteProjectStore.open({ filename }).close();
    const db = new Database(filename);
    db.prepare("UPDATE schema_components SET version = 99 WHERE component = 'projects'").run();
    db.close();
    expect(() => SqliteProjectStore.open({ filename })).toThrow(/projects schema version 99/);
  });
});
