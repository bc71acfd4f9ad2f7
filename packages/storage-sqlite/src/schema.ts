import type Database from 'better-sqlite3';

/**
 * Schema migrations, in order: migration i brings `PRAGMA user_version` from i to i + 1.
 * Append new steps; never edit a released one.
 */
const MIGRATIONS: ReadonlyArray<(db: Database.Database) => void> = [
  (db) => {
    db.exec(`
      -- The per-room seq counter. It outlives compaction, so seqs are never reused.
      CREATE TABLE rooms (
        room     TEXT PRIMARY KEY NOT NULL,
        last_seq INTEGER NOT NULL
      );
      CREATE TABLE updates (
        room        TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        user_id     TEXT NULL,
        received_at INTEGER NOT NULL,
        data        BLOB NOT NULL,
        PRIMARY KEY (room, seq)
      );
      CREATE TABLE snapshots (
        room     TEXT PRIMARY KEY NOT NULL,
        upto_seq INTEGER NOT NULL,
        data     BLOB NOT NULL
      );
    `);
  },
];

/** The schema version this code writes and expects. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION, one transaction per step (the version bump is part of
 * the step's transaction, so a crash never leaves a half-applied step recorded as done). Refuses
 * a database written by newer code rather than guessing at its layout.
 */
export function migrate(db: Database.Database): void {
  const current = supportedSchemaVersion(db);
  for (let version = current; version < SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (!step) throw new Error(`missing migration ${version} -> ${version + 1}`);
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

/** Reads `user_version`, throwing when this build cannot handle it. Only reads. */
export function supportedSchemaVersion(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true });
  if (typeof current !== 'number' || !Number.isInteger(current) || current < 0) {
    throw new Error(`unreadable schema version: ${String(current)}`);
  }
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${current} is newer than this build supports (${SCHEMA_VERSION})`,
    );
  }
  return current;
}
