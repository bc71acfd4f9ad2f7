import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { auditAd } from '../audit/sqlite-audit-log';
import type { DataCipher } from './data-cipher';
import { snapshotAd, updateAd } from './encrypted-storage';

/**
 * Opens a database for re-encryption: secure_delete, so pages freed by the rewrite are zeroed and
 * no old plaintext (or old ciphertext) stays behind in free pages.
 */
export function openForRekey(filename: string): Database.Database {
  const db = new Database(filename);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('secure_delete = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** After a rewrite: rebuild the file (no stale pages) and empty the WAL. */
export function scrub(db: Database.Database): void {
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

const BATCH = 500;

/** The driver binds Buffers as blobs. */
const blob = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Re-encrypts every update and snapshot of `rooms.db` (the SQLite document storage's file) from
 * `from` to `to` in one transaction, keeping seqs, users and times. Works on the file directly,
 * because `DocumentStorage` has no way to rewrite an entry in place, and replacing entries
 * through it would renumber them. Returns the number of values rewritten.
 */
export function rekeyRooms(filename: string, from: DataCipher, to: DataCipher): number {
  if (!existsSync(filename)) return 0;
  const db = openForRekey(filename);
  try {
    const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name));
    if (!tables.has('updates') || !tables.has('snapshots')) return 0;
    type UpdateRow = { rowid: number; room: string; user_id: string | null; received_at: number; data: Buffer };
    type SnapshotRow = { rowid: number; room: string; upto_seq: number; data: Buffer };
    const updates = db.prepare<[number], UpdateRow>('SELECT rowid, room, user_id, received_at, data FROM updates WHERE rowid > ? ORDER BY rowid LIMIT ' + BATCH);
    const setUpdate = db.prepare('UPDATE updates SET data = ? WHERE rowid = ?');
    const snapshots = db.prepare<[number], SnapshotRow>('SELECT rowid, room, upto_seq, data FROM snapshots WHERE rowid > ? ORDER BY rowid LIMIT ' + BATCH);
    const setSnapshot = db.prepare('UPDATE snapshots SET data = ? WHERE rowid = ?');
    const count = db.transaction(() => {
      let n = 0;
      // better-sqlite3 cannot write while a read statement iterates: page by rowid instead.
      for (let after = 0, page = updates.all(0); page.length > 0; page = updates.all(after)) {
        for (const row of page) {
          const ad = updateAd(row.room, row.user_id, row.received_at);
          setUpdate.run(blob(to.encryptBytes(from.decryptBytes(row.data, ad), ad)), row.rowid);
          after = row.rowid;
          n++;
        }
      }
      for (let after = 0, page = snapshots.all(0); page.length > 0; page = snapshots.all(after)) {
        for (const row of page) {
          const ad = snapshotAd(row.room, row.upto_seq);
          setSnapshot.run(blob(to.encryptBytes(from.decryptBytes(row.data, ad), ad)), row.rowid);
          after = row.rowid;
          n++;
        }
      }
      return n;
    }).immediate();
    scrub(db);
    return count;
  } finally {
    db.close();
  }
}

/**
 * Re-encrypts `before_json` / `after_json` of `audit.db`. The log is append-only by trigger; the
 * triggers are dropped and re-created inside the same transaction, so no other writer ever sees
 * the table without them. The hash chain covers the plaintext and stays valid.
 */
export function rekeyAuditLog(filename: string, from: DataCipher, to: DataCipher): number {
  if (!existsSync(filename)) return 0;
  const db = openForRekey(filename);
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
    if (!hasTable) return 0;
    type Row = { seq: number; before_json: string | null; after_json: string | null };
    const rows = db.prepare<[number], Row>(`SELECT seq, before_json, after_json FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ${BATCH}`);
    const set = db.prepare('UPDATE audit_log SET before_json = ?, after_json = ? WHERE seq = ?');
    const move = (value: string | null, seq: number, column: 'before_json' | 'after_json') =>
      value === null ? null : to.encrypt(from.decrypt(value, auditAd(seq, column)), auditAd(seq, column));
    const count = db.transaction(() => {
      const triggers = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").all();
      for (const t of triggers) db.exec(`DROP TRIGGER "${t.name.replace(/"/g, '""')}"`);
      let n = 0;
      for (let after = 0, page = rows.all(0); page.length > 0; page = rows.all(after)) {
        for (const row of page) {
          set.run(move(row.before_json, row.seq, 'before_json'), move(row.after_json, row.seq, 'after_json'), row.seq);
          after = row.seq;
          n++;
        }
      }
      for (const t of triggers) db.exec(t.sql);
      return n;
    }).immediate();
    scrub(db);
    return count;
  } finally {
    db.close();
  }
}
