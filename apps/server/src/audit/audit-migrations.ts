import type { Database } from 'better-sqlite3';

/**
 * Schema versions of audit.db (its own file and its own `PRAGMA user_version`), applied in order.
 * Append only. The triggers make UPDATE and DELETE fail: the code has no such statements, and the
 * triggers stop a slip of the hand in the sqlite3 shell (not a determined editor: that is what
 * the hash chain and `audit verify` are for).
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE audit_log (
     seq         INTEGER PRIMARY KEY,
     at          INTEGER NOT NULL,
     actor       TEXT,
     action      TEXT NOT NULL,
     project_id  TEXT,
     study_uid   TEXT,
     room        TEXT,
     target_id   TEXT,
     before_json TEXT,
     after_json  TEXT,
     prev_hash   TEXT NOT NULL,
     hash        TEXT NOT NULL
   ) STRICT;
   CREATE INDEX audit_log_project ON audit_log (project_id, seq);
   CREATE INDEX audit_log_study ON audit_log (study_uid, seq);
   CREATE INDEX audit_log_actor ON audit_log (actor, seq);
   CREATE INDEX audit_log_action ON audit_log (action, seq);
   CREATE INDEX audit_log_at ON audit_log (at);
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
];

/** Brings audit.db up to the latest schema; refuses one written by a newer server. */
export function migrateAudit(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`audit.db is at schema version ${current}; this server knows ${MIGRATIONS.length}`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/** Schema version this code writes. */
export const AUDIT_SCHEMA_VERSION = MIGRATIONS.length;
