/** One accepted update as stored in a room's log. */
export interface StoredUpdate {
  /** Per-room sequence number, strictly increasing, assigned by the storage. */
  readonly seq: number;
  /** A Yjs v1 update. */
  readonly update: Uint8Array;
  /** Authenticated user whose connection produced the update; null for server-originated changes. */
  readonly userId: string | null;
  /** Milliseconds since the epoch when the server accepted it. */
  readonly receivedAt: number;
}

/** An update to append; the storage assigns its seq. */
export type NewUpdate = Omit<StoredUpdate, 'seq'>;

/**
 * Everything stored for one room. A room never written is an empty record
 * (`snapshot: null, snapshotSeq: 0, updates: []`), not an error.
 */
export interface RoomRecord {
  /** Merged state of every update with seq <= snapshotSeq, or null when never compacted. */
  readonly snapshot: Uint8Array | null;
  readonly snapshotSeq: number;
  /** Updates with seq > snapshotSeq, in seq order. */
  readonly updates: readonly StoredUpdate[];
}

/**
 * Durable storage of room documents as snapshot + update log. Implementations: MemoryStorage
 * (here), SQLite and PostgreSQL adapters. Every implementation passes the shared suite in
 * @readingroom/testing (`runStorageAdapterTests`).
 */
export interface DocumentStorage {
  /** Reads a room's snapshot and log tail. */
  loadRoom(room: string): Promise<RoomRecord>;
  /**
   * Appends updates to a room's log in one atomic write and resolves, with the last assigned seq,
   * only once they are durable. An empty list resolves with the current last seq. A malformed
   * entry fails the whole batch and nothing is stored. Seqs follow call order.
   */
  appendUpdates(room: string, updates: readonly NewUpdate[]): Promise<number>;
  /**
   * Atomically replaces the snapshot and deletes log entries with seq <= uptoSeq. `snapshot` must
   * contain every update with seq <= uptoSeq. Entries appended after uptoSeq are kept. Rejects
   * (and changes nothing) when uptoSeq is beyond the last seq or behind the current snapshot.
   */
  compact(room: string, snapshot: Uint8Array, uptoSeq: number): Promise<void>;
  /** Names of rooms that have any stored state. */
  listRooms(): Promise<string[]>;
  /** Removes everything stored for a room, its seq counter included. */
  deleteRoom(room: string): Promise<void>;
  /** Releases resources; pending writes complete first. */
  close(): Promise<void>;
}
