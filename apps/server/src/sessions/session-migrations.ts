import type { Database } from 'better-sqlite3';
import { migrateComponent, migrateProjects } from '../projects/project-migrations';

/**
 * Schema of the reading-session table in readingroom.db, applied in order. Append only.
 * Its own component in `schema_components` (see project-migrations.ts for why).
 */
const SESSION_MIGRATIONS: readonly string[] = [
  `CREATE TABLE reading_sessions (
     project_id          TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     study_instance_uid  TEXT NOT NULL,
     phase               TEXT NOT NULL CHECK (phase IN ('open', 'blinded', 'adjudication', 'final')),
     readers             TEXT NOT NULL,
     adjudicators        TEXT NOT NULL,
     submitted           TEXT NOT NULL,
     readers_may_discuss INTEGER NOT NULL CHECK (readers_may_discuss IN (0, 1)),
     revealed            INTEGER NOT NULL CHECK (revealed IN (0, 1)),
     updated_at          INTEGER NOT NULL,
     PRIMARY KEY (project_id, study_instance_uid)
   ) STRICT;`,
];

/** Creates the project tables the sessions refer to (if needed), then the session table. */
export function migrateSessions(db: Database): void {
  migrateProjects(db);
  migrateComponent(db, 'reading_sessions', SESSION_MIGRATIONS);
}
