import Database from 'better-sqlite3';
import { defaultReadingSession, ReadingSessionSchema, type ReadingSession } from '@readingroom/model';
import { migrateSessions } from './session-migrations';
import type { SessionDraft, SessionStore } from './session-store';

interface SessionRow {
  study_instance_uid: string;
  phase: string;
  readers: string;
  adjudicators: string;
  submitted: string;
  readers_may_discuss: number;
  revealed: number;
}

const fromRow = (row: SessionRow): ReadingSession =>
  ReadingSessionSchema.parse({
    phase: row.phase,
    readers: JSON.parse(row.readers),
    adjudicators: JSON.parse(row.adjudicators),
    submitted: JSON.parse(row.submitted),
    readersMayDiscuss: row.readers_may_discuss === 1,
    revealed: row.revealed === 1,
  });

/**
 * SessionStore on readingroom.db (its own connection next to the user and project stores; WAL
 * allows it). Sessions hold user ids, study UIDs and flags: nothing to encrypt. `modify` runs in
 * one IMMEDIATE transaction, so another process writing the table waits instead of racing.
 */
export class SqliteSessionStore implements SessionStore {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Opens (creating if needed) and migrates the session table (and the project tables it refers to). */
  static open(options: { filename: string }): SqliteSessionStore {
    const db = new Database(options.filename);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      migrateSessions(db);
      return new SqliteSessionStore(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  #row(projectId: string, studyUid: string): SessionRow | undefined {
    return this.#db
      .prepare<[string, string], SessionRow>('SELECT * FROM reading_sessions WHERE project_id = ? AND study_instance_uid = ?')
      .get(projectId, studyUid);
  }

  #all(projectId: string): Map<string, ReadingSession> {
    const rows = this.#db.prepare<[string], SessionRow>('SELECT * FROM reading_sessions WHERE project_id = ? ORDER BY study_instance_uid').all(projectId);
    return new Map(rows.map((r) => [r.study_instance_uid, fromRow(r)]));
  }

  async get(projectId: string, studyUid: string): Promise<ReadingSession> {
    const row = this.#row(projectId, studyUid);
    return row ? fromRow(row) : defaultReadingSession();
  }

  async list(projectId: string): Promise<Map<string, ReadingSession>> {
    return this.#all(projectId);
  }

  async modify<T>(projectId: string, change: (draft: SessionDraft) => T): Promise<T> {
    const upsert = this.#db.prepare(
      `INSERT INTO reading_sessions (project_id, study_instance_uid, phase, readers, adjudicators, submitted, readers_may_discuss, revealed, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, study_instance_uid) DO UPDATE SET
         phase = excluded.phase, readers = excluded.readers, adjudicators = excluded.adjudicators, submitted = excluded.submitted,
         readers_may_discuss = excluded.readers_may_discuss, revealed = excluded.revealed, updated_at = excluded.updated_at`,
    );
    return this.#db.transaction(() => {
      const written = new Map<string, ReadingSession>();
      let all: Map<string, ReadingSession> | null = null;
      const draft: SessionDraft = {
        get: (uid) => structuredClone(written.get(uid) ?? all?.get(uid) ?? this.#fresh(projectId, uid)),
        all: () => {
          all ??= this.#all(projectId);
          return structuredClone(new Map([...all, ...written]));
        },
        set: (uid, session) => void written.set(uid, ReadingSessionSchema.parse(session)),
      };
      const result = change(draft);
      const now = Date.now();
      for (const [uid, s] of written) {
        upsert.run(
          projectId, uid, s.phase, JSON.stringify(s.readers), JSON.stringify(s.adjudicators), JSON.stringify(s.submitted),
          s.readersMayDiscuss ? 1 : 0, s.revealed ? 1 : 0, now,
        );
      }
      return result;
    }).immediate();
  }

  #fresh(projectId: string, studyUid: string): ReadingSession {
    const row = this.#row(projectId, studyUid);
    return row ? fromRow(row) : defaultReadingSession();
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
