import Database from 'better-sqlite3';

/**
 * Which user a Yjs client id belongs to, per room. The first user whose update writes structs
 * under a client id owns it for good; anyone else writing under it is refused, so nobody can
 * continue another user's clock (Yjs would then silently drop the owner's later edits as
 * duplicates) or dress their edits up as another's.
 *
 * Synchronous because the accept step is. Bindings are durable before the update that made them
 * is applied (a table, not derived from the update log: compaction folds the log into an
 * unattributed snapshot every 500 updates and at unload).
 */
export interface ClientIdRegistry {
  /** The user owning `clientId` in `room`, or null. */
  ownerOf(room: string, clientId: number): string | null;
  /** Binds `clientId` to `userId` unless it is bound already; returns the owner afterwards. */
  bind(room: string, clientId: number, userId: string): string;
  /** Forgets what is cached in memory for a room (its bindings stay stored). */
  release(room: string): void;
  close(): void;
}

/** In-memory registry (tests, benchmarks). */
export class MemoryClientIdRegistry implements ClientIdRegistry {
  readonly #rooms = new Map<string, Map<number, string>>();

  ownerOf(room: string, clientId: number): string | null {
    return this.#rooms.get(room)?.get(clientId) ?? null;
  }

  bind(room: string, clientId: number, userId: string): string {
    let owners = this.#rooms.get(room);
    if (!owners) this.#rooms.set(room, (owners = new Map()));
    const owner = owners.get(clientId);
    if (owner !== undefined) return owner;
    owners.set(clientId, userId);
    return userId;
  }

  release(): void {}
  close(): void {}
}

/**
 * Registry in its own SQLite file (`synchronous = FULL`: a binding is on disk before the update
 * that made it is applied). A room's bindings are read once, when first needed, and cached.
 */
export class SqliteClientIdRegistry implements ClientIdRegistry {
  readonly #db: Database.Database;
  readonly #cache = new Map<string, Map<number, string>>();
  readonly #select: Database.Statement<[string], { client_id: number; user_id: string }>;
  readonly #insert: Database.Statement<[string, number, string, number]>;
  readonly #selectOne: Database.Statement<[string, number], { user_id: string }>;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#select = db.prepare('SELECT client_id, user_id FROM client_ids WHERE room = ?');
    this.#insert = db.prepare('INSERT OR IGNORE INTO client_ids (room, client_id, user_id, bound_at) VALUES (?, ?, ?, ?)');
    this.#selectOne = db.prepare('SELECT user_id FROM client_ids WHERE room = ? AND client_id = ?');
  }

  static open(options: { filename: string }): SqliteClientIdRegistry {
    const db = new Database(options.filename);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(`CREATE TABLE IF NOT EXISTS client_ids (
        room TEXT NOT NULL,
        client_id INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        bound_at INTEGER NOT NULL,
        PRIMARY KEY (room, client_id)
      ) WITHOUT ROWID`);
      return new SqliteClientIdRegistry(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  #owners(room: string): Map<number, string> {
    let owners = this.#cache.get(room);
    if (!owners) {
      owners = new Map(this.#select.all(room).map((r) => [r.client_id, r.user_id]));
      this.#cache.set(room, owners);
    }
    return owners;
  }

  ownerOf(room: string, clientId: number): string | null {
    return this.#owners(room).get(clientId) ?? null;
  }

  bind(room: string, clientId: number, userId: string): string {
    const owners = this.#owners(room);
    const owner = owners.get(clientId);
    if (owner !== undefined) return owner;
    this.#insert.run(room, clientId, userId, Date.now());
    // Another process may have bound it meanwhile: the stored row decides.
    const stored = this.#selectOne.get(room, clientId);
    const winner = stored?.user_id ?? userId;
    owners.set(clientId, winner);
    return winner;
  }

  release(room: string): void {
    this.#cache.delete(room);
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.open) this.#db.close();
  }
}
