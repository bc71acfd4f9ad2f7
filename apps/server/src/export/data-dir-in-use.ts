import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Databases a running server keeps open for as long as it runs. */
const HELD_BY_SERVER = ['rooms.db', 'audit.db'] as const;

/**
 * Whether another connection (a running server, in this process or another) has the data
 * directory's room or audit database open. SQLite in WAL mode lets readers and one writer share
 * a file, so it is asked for an exclusive lock instead: granted only when nobody else has the
 * file open. Commands that write study documents or append to the audit log use it to refuse
 * while a server runs: the server's rooms would not see their writes (and its compaction could
 * drop them), and the audit chain has exactly one appender.
 */
export function dataDirInUse(dataDir: string): boolean {
  for (const name of HELD_BY_SERVER) {
    const file = join(dataDir, name);
    if (!existsSync(file)) continue;
    const db = new Database(file, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
      db.exec('COMMIT');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return true;
      throw error;
    } finally {
      db.close();
    }
  }
  return false;
}
