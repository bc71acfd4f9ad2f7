import type { Database } from 'better-sqlite3';

/**
 * Schema versions of catalog.db, applied in order; `PRAGMA user_version` records how many ran.
 * Append only: never edit a migration that has shipped. Patients are keyed by Patient ID ('' when
 * absent; with encryption at rest, an HMAC of it). No source paths are stored: folder names often
 * contain patient names.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE patients (
     patient_key  TEXT PRIMARY KEY,
     patient_id   TEXT,
     patient_name TEXT,
     sex          TEXT
   ) STRICT;
   CREATE TABLE studies (
     study_uid         TEXT PRIMARY KEY,
     patient_key       TEXT NOT NULL REFERENCES patients (patient_key),
     study_date        TEXT,
     study_time        TEXT,
     accession_number  TEXT,
     study_description TEXT,
     study_id          TEXT,
     created_at        INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX studies_patient ON studies (patient_key);
   CREATE INDEX studies_date ON studies (study_date);
   CREATE TABLE series (
     series_uid            TEXT PRIMARY KEY,
     study_uid             TEXT NOT NULL REFERENCES studies (study_uid),
     modality              TEXT,
     series_number         REAL,
     series_description    TEXT,
     body_part             TEXT,
     frame_of_reference_uid TEXT
   ) STRICT;
   CREATE INDEX series_study ON series (study_uid);
   CREATE TABLE instances (
     sop_uid              TEXT PRIMARY KEY,
     series_uid           TEXT NOT NULL REFERENCES series (series_uid),
     study_uid            TEXT NOT NULL REFERENCES studies (study_uid),
     sop_class_uid        TEXT,
     instance_number      REAL,
     rows                 INTEGER NOT NULL,
     columns              INTEGER NOT NULL,
     number_of_frames     INTEGER NOT NULL,
     pixel_spacing        TEXT,
     image_position       TEXT,
     image_orientation    TEXT,
     slice_thickness      REAL,
     slice_location       REAL,
     bits_allocated       INTEGER NOT NULL,
     bits_stored          INTEGER,
     pixel_representation INTEGER,
     photometric          TEXT,
     samples_per_pixel    INTEGER NOT NULL,
     transfer_syntax_uid  TEXT NOT NULL,
     file_path            TEXT NOT NULL,
     file_hash            TEXT NOT NULL UNIQUE,
     file_size            INTEGER NOT NULL,
     imported_at          INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX instances_series ON instances (series_uid, instance_number);
   CREATE INDEX instances_study ON instances (study_uid);`,
  // Equality search on Accession Number through a blind index, so the value itself can be
  // encrypted at rest (the index is the value itself when encryption is off).
  `ALTER TABLE studies ADD COLUMN accession_index TEXT;
   UPDATE studies SET accession_index = accession_number;
   CREATE INDEX studies_accession_index ON studies (accession_index);`,
];

/** Brings catalog.db up to the latest schema; refuses a database written by a newer server. */
export function migrateCatalog(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`catalog.db is at schema version ${current}; this server knows ${MIGRATIONS.length}`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
