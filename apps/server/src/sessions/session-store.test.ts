import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultReadingSession } from '@readingroom/model';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import { SqliteProjectStore } from '../projects/sqlite-project-store';
import { MemorySessionStore } from './memory-session-store';
import { runSessionStoreTests } from './session-store.suite';
import { SqliteSessionStore } from './sqlite-session-store';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'rr-sessions-')), 'readingroom.db');
const STUDY = '1.2.840.1';

/** Two real projects in a fresh readingroom.db (sessions refer to them). */
async function twoProjects(filename: string): Promise<[string, string]> {
  const projects = SqliteProjectStore.open({ filename });
  try {
    const make = (name: string) => projects.createProject({ name, description: '', settings: DEFAULT_SETTINGS, createdBy: 'root' });
    return [(await make('P')).id, (await make('Q')).id];
  } finally {
    await projects.close();
  }
}

runSessionStoreTests('memory', async () => ({ store: new MemorySessionStore(), projects: ['p1', 'p2'] }));
runSessionStoreTests('sqlite', async () => {
  const filename = tmpDb();
  const projects = await twoProjects(filename);
  return { store: SqliteSessionStore.open({ filename }), projects };
});

describe('SqliteSessionStore', () => {
  it('keeps sessions across reopen, in readingroom.db under its own schema component', async () => {
    const filename = tmpDb();
    const [p] = await twoProjects(filename);
    const first = SqliteSessionStore.open({ filename });
    await first.modify(p, (d) => d.set(STUDY, { ...defaultReadingSession(), phase: 'final', readers: ['a'], submitted: { a: 5 }, revealed: true }));
    await first.close();
    const second = SqliteSessionStore.open({ filename });
    expect(await second.get(p, STUDY)).toEqual({ ...defaultReadingSession(), phase: 'final', readers: ['a'], submitted: { a: 5 }, revealed: true });
    await second.close();
    const db = new Database(filename, { readonly: true });
    expect(db.prepare("SELECT version FROM schema_components WHERE component = 'reading_sessions'").get()).toEqual({ version: 1 });
    db.close();
  });

  it("deletes a project's sessions with the project", async () => {
    const filename = tmpDb();
    const [p] = await twoProjects(filename);
    const sessions = SqliteSessionStore.open({ filename });
    await sessions.modify(p, (d) => d.set(STUDY, { ...defaultReadingSession(), phase: 'blinded' }));
    const projects = SqliteProjectStore.open({ filename });
    expect(await projects.deleteProject(p)).toBe(true);
    await projects.close();
    expect((await sessions.list(p)).size).toBe(0);
    await sessions.close();
  });

  it('refuses to store a session of a project that does not exist', async () => {
    const sessions = SqliteSessionStore.open({ filename: tmpDb() });
    await expect(sessions.modify('no-such-project', (d) => d.set(STUDY, defaultReadingSession()))).rejects.toThrow(/FOREIGN KEY/);
    await sessions.close();
  });
});
