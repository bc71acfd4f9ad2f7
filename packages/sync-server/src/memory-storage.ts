import type { DocumentStorage, NewUpdate, RoomRecord, StoredUpdate } from './storage';
import { assertValidCompaction, assertValidUpdate } from './storage-checks';

interface MemoryRoom {
  snapshot: Uint8Array | null;
  snapshotSeq: number;
  /** Highest seq ever assigned in this room; survives compaction so seqs are never reused. */
  lastSeq: number;
  updates: StoredUpdate[];
}

/**
 * In-memory `DocumentStorage`: the reference implementation of the contract, for tests and
 * single-process development. Not durable. Byte arrays are copied on the way in and out, so
 * callers can never mutate stored state (or be surprised by a caller mutating theirs).
 */
export class MemoryStorage implements DocumentStorage {
  private readonly rooms = new Map<string, MemoryRoom>();
  private closed = false;

  async loadRoom(room: string): Promise<RoomRecord> {
    this.assertOpen();
    const state = this.rooms.get(room);
    if (!state) return { snapshot: null, snapshotSeq: 0, updates: [] };
    return {
      snapshot: state.snapshot ? state.snapshot.slice() : null,
      snapshotSeq: state.snapshotSeq,
      updates: state.updates.map(copyStoredUpdate),
    };
  }

  async appendUpdates(room: string, updates: readonly NewUpdate[]): Promise<number> {
    this.assertOpen();
    // Validate the whole batch before touching state: the append is all or nothing.
    updates.forEach(assertValidUpdate);
    const existing = this.rooms.get(room);
    if (updates.length === 0) return existing?.lastSeq ?? 0;
    const state = existing ?? { snapshot: null, snapshotSeq: 0, lastSeq: 0, updates: [] };
    for (const u of updates) {
      state.lastSeq += 1;
      state.updates.push({
        seq: state.lastSeq,
        update: u.update.slice(),
        userId: u.userId,
        receivedAt: u.receivedAt,
      });
    }
    this.rooms.set(room, state);
    return state.lastSeq;
  }

  async compact(room: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    this.assertOpen();
    if (!(snapshot instanceof Uint8Array)) throw new TypeError('snapshot must be a Uint8Array');
    const state = this.rooms.get(room);
    assertValidCompaction(room, uptoSeq, state?.snapshotSeq ?? 0, state?.lastSeq ?? 0);
    // assertValidCompaction rejects every uptoSeq for a room that was never written.
    if (!state) return;
    state.snapshot = snapshot.slice();
    state.snapshotSeq = uptoSeq;
    state.updates = state.updates.filter((u) => u.seq > uptoSeq);
  }

  async listRooms(): Promise<string[]> {
    this.assertOpen();
    return [...this.rooms.keys()].sort();
  }

  async deleteRoom(room: string): Promise<void> {
    this.assertOpen();
    this.rooms.delete(room);
  }

  /** Idempotent; every later call (other than close) rejects. */
  async close(): Promise<void> {
    this.closed = true;
    this.rooms.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryStorage is closed');
  }
}

function copyStoredUpdate(u: StoredUpdate): StoredUpdate {
  return { seq: u.seq, update: u.update.slice(), userId: u.userId, receivedAt: u.receivedAt };
}
