import Database from 'better-sqlite3';
import type { DocumentStorage, NewUpdate, RoomRecord, StoredUpdate } from '@readingroom/sync-server';
import { migrate, supportedSchemaVersion } from './schema';
import { assertValidCompaction, assertValidUpdate } from '@readingroom/sync-server';

/** Options of `SqliteStorage.open`. */
export interface SqliteStorageOptions {
  /** Database file path. */
  filename: string;
  /**
   * `FULL` (default) fsyncs the WAL on every commit, so an acknowledged edit survives power
   * loss. `NORMAL` only survives process crashes; use it for throwaway environments.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/** Settings actually in effect on the connection, for startup logs and tests. */
export interface SqlitePragmas {
  journalMode: string;
  /** SQLite's numeric level: 1 = NORMAL, 2 = FULL. */
  synchronous: number;
  busyTimeoutMs: number;
  userVersion: number;
}

/** How long a writer waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

interface UpdateRow {
  seq: number;
  user_id: string | null;
  received_at: number;
  data: Buffer;
}

/**
 * `DocumentStorage` on a single SQLite file (better-sqlite3, WAL). Every write is one
 * transaction: a batch of updates costs one commit and one fsync however many updates it holds.
 * The driver is synchronous, so calls are serialised in the order they are made.
 */
export class SqliteStorage implements DocumentStorage {
  /** Opens (creating and migrating if needed) the database file. */
  static open(options: SqliteStorageOptions): SqliteStorage {
    const db = new Database(options.filename);
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      supportedSchemaVersion(db); // before anything writes to a file from a newer build
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal' && options.filename !== ':memory:') {
        throw new Error(`could not switch ${options.filename} to WAL (journal_mode is ${String(mode)})`);
      }
      db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      migrate(db);
      return new SqliteStorage(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private closed = false;
  // Prepared once; better-sqlite3 statements are reusable and bound per call.
  private readonly stmt;
  private readonly readRoom;
  private readonly append;
  private readonly compactRoom;
  private readonly removeRoom;

  private constructor(private readonly db: Database.Database) {
    const stmt = {
      lastSeq: db.prepare<[string], { last_seq: number }>('SELECT last_seq FROM rooms WHERE room = ?'),
      setLastSeq: db.prepare<[string, number]>(
        'INSERT INTO rooms (room, last_seq) VALUES (?, ?) ON CONFLICT (room) DO UPDATE SET last_seq = excluded.last_seq',
      ),
      insertUpdate: db.prepare<[string, number, string | null, number, Buffer]>(
        'INSERT INTO updates (room, seq, user_id, received_at, data) VALUES (?, ?, ?, ?, ?)',
      ),
      selectUpdates: db.prepare<[string], UpdateRow>(
        'SELECT seq, user_id, received_at, data FROM updates WHERE room = ? ORDER BY seq',
      ),
      selectSnapshot: db.prepare<[string], { upto_seq: number; data: Buffer }>(
        'SELECT upto_seq, data FROM snapshots WHERE room = ?',
      ),
      selectSnapshotSeq: db.prepare<[string], { upto_seq: number }>(
        'SELECT upto_seq FROM snapshots WHERE room = ?',
      ),
      setSnapshot: db.prepare<[string, number, Buffer]>(
        'INSERT INTO snapshots (room, upto_seq, data) VALUES (?, ?, ?) ON CONFLICT (room) DO UPDATE SET upto_seq = excluded.upto_seq, data = excluded.data',
      ),
      deleteUpdatesUpTo: db.prepare<[string, number]>('DELETE FROM updates WHERE room = ? AND seq <= ?'),
      deleteUpdates: db.prepare<[string]>('DELETE FROM updates WHERE room = ?'),
      deleteSnapshot: db.prepare<[string]>('DELETE FROM snapshots WHERE room = ?'),
      deleteCounter: db.prepare<[string]>('DELETE FROM rooms WHERE room = ?'),
      // A counter row exists only once a room got an update, and its updates or snapshot remain
      // until deleteRoom removes all three together.
      listRooms: db.prepare<[], { room: string }>('SELECT room FROM rooms ORDER BY room'),
    };
    this.stmt = stmt;

    // A read transaction, so snapshot and tail come from the same moment even if another
    // connection compacts in between.
    this.readRoom = db.transaction((room: string): RoomRecord => {
      const snapshot = stmt.selectSnapshot.get(room);
      const rows = stmt.selectUpdates.all(room);
      return {
        snapshot: snapshot ? new Uint8Array(snapshot.data) : null,
        snapshotSeq: snapshot?.upto_seq ?? 0,
        updates: rows.map(toStoredUpdate),
      };
    });

    this.append = db.transaction((room: string, updates: readonly NewUpdate[]): number => {
      let seq = stmt.lastSeq.get(room)?.last_seq ?? 0;
      for (const u of updates) {
        seq += 1;
        stmt.insertUpdate.run(room, seq, u.userId, u.receivedAt, asBuffer(u.update));
      }
      stmt.setLastSeq.run(room, seq);
      return seq;
    });

    this.compactRoom = db.transaction((room: string, snapshot: Uint8Array, uptoSeq: number): void => {
      const snapshotSeq = stmt.selectSnapshotSeq.get(room)?.upto_seq ?? 0;
      const lastSeq = stmt.lastSeq.get(room)?.last_seq ?? 0;
      assertValidCompaction(room, uptoSeq, snapshotSeq, lastSeq);
      stmt.setSnapshot.run(room, uptoSeq, asBuffer(snapshot));
      stmt.deleteUpdatesUpTo.run(room, uptoSeq);
    });

    this.removeRoom = db.transaction((room: string): void => {
      stmt.deleteUpdates.run(room);
      stmt.deleteSnapshot.run(room);
      stmt.deleteCounter.run(room);
    });
  }

  async loadRoom(room: string): Promise<RoomRecord> {
    this.assertOpen();
    return this.readRoom.deferred(room);
  }

  async appendUpdates(room: string, updates: readonly NewUpdate[]): Promise<number> {
    this.assertOpen();
    updates.forEach(assertValidUpdate);
    if (updates.length === 0) return this.stmt.lastSeq.get(room)?.last_seq ?? 0;
    // IMMEDIATE takes the write lock up front, so two connections cannot both read the same
    // last_seq. The commit (and its fsync under synchronous=FULL) has happened when this returns.
    return this.append.immediate(room, updates);
  }

  async compact(room: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    this.assertOpen();
    if (!(snapshot instanceof Uint8Array)) throw new TypeError('snapshot must be a Uint8Array');
    this.compactRoom.immediate(room, snapshot, uptoSeq);
  }

  async listRooms(): Promise<string[]> {
    this.assertOpen();
    return this.stmt.listRooms.all().map((row) => row.room);
  }

  async deleteRoom(room: string): Promise<void> {
    this.assertOpen();
    this.removeRoom.immediate(room);
  }

  /** Reports the connection's effective settings. */
  pragmas(): SqlitePragmas {
    this.assertOpen();
    const read = (name: string): unknown => this.db.pragma(name, { simple: true });
    return {
      journalMode: String(read('journal_mode')),
      synchronous: Number(read('synchronous')),
      busyTimeoutMs: Number(read('busy_timeout')),
      userVersion: Number(read('user_version')),
    };
  }

  /** Closes the database. Idempotent; every later call (other than close) rejects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('SqliteStorage is closed');
  }
}

function toStoredUpdate(row: UpdateRow): StoredUpdate {
  return {
    seq: row.seq,
    // Copy out of the driver's Buffer into a plain Uint8Array the caller owns.
    update: new Uint8Array(row.data),
    userId: row.user_id,
    receivedAt: row.received_at,
  };
}

/** A Buffer over exactly the view's bytes (no copy; the driver copies when binding). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
