import type { Database } from 'better-sqlite3';

/**
 * Schema of the project tables in readingroom.db, applied in order. Append only.
 *
 * Why not `users/migrations.ts`: that list is counted by `PRAGMA user_version`, one number for
 * the whole file, so every feature appending to it collides with the others (and its tests pin
 * the version). Each component records its own version in `schema_components` instead.
 */
const PROJECT_MIGRATIONS: readonly string[] = [
  `CREATE TABLE projects (
     id          TEXT PRIMARY KEY,
     name        TEXT NOT NULL UNIQUE,
     description TEXT NOT NULL DEFAULT '',
     settings    TEXT NOT NULL,
     created_at  INTEGER NOT NULL,
     created_by  TEXT NOT NULL
   ) STRICT;
   CREATE TABLE project_members (
     project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     user_id    TEXT NOT NULL,
     role       TEXT NOT NULL CHECK (role IN ('admin', 'adjudicator', 'reader', 'reviewer', 'observer', 'trainee')),
     PRIMARY KEY (project_id, user_id)
   ) STRICT;
   CREATE INDEX project_members_by_user ON project_members(user_id);
   CREATE TABLE project_studies (
     project_id         TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     study_instance_uid TEXT NOT NULL,
     added_at           INTEGER NOT NULL,
     added_by           TEXT NOT NULL,
     PRIMARY KEY (project_id, study_instance_uid)
   ) STRICT;
   CREATE INDEX project_studies_by_study ON project_studies(study_instance_uid);
   CREATE TABLE label_classes (
     id         TEXT PRIMARY KEY,
     project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     name       TEXT NOT NULL,
     colour     TEXT NOT NULL,
     hotkey     TEXT,
     kind       TEXT NOT NULL CHECK (kind IN ('box2d', 'box3d', 'finding')),
     attributes TEXT NOT NULL,
     ord        INTEGER NOT NULL,
     UNIQUE (project_id, name),
     UNIQUE (project_id, hotkey)
   ) STRICT;`,
];

/** Applies the migrations of one component, recording its version in `schema_components`. */
export function migrateComponent(db: Database, component: string, migrations: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_components (component TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT');
  // IMMEDIATE: a second process (the CLI next to a running server) waits instead of racing.
  db.transaction(() => {
    const row = db.prepare('SELECT version FROM schema_components WHERE component = ?').get(component) as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`readingroom.db has ${component} schema version ${current}; this server knows ${migrations.length}`);
    }
    for (let version = current; version < migrations.length; version++) db.exec(migrations[version]!);
    db.prepare('INSERT INTO schema_components (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version').run(
      component,
      Math.max(current, migrations.length),
    );
  }).immediate();
}

export function migrateProjects(db: Database): void {
  migrateComponent(db, 'projects', PROJECT_MIGRATIONS);
}
