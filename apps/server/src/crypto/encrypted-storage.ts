import type { DocumentStorage, NewUpdate, RoomRecord } from '@readingroom/sync-server';
import type { DataCipher } from './data-cipher';

/**
 * Associated data of a stored update: its room and the attribution stored beside it, so a
 * ciphertext cannot be moved to another room or relabelled with another user or time.
 * (The seq is assigned by the inner storage after encryption, so it cannot be bound here.)
 */
export const updateAd = (room: string, userId: string | null, receivedAt: number) =>
  JSON.stringify(['rooms/update', room, userId, receivedAt]);

/** Associated data of a room's snapshot: its room and the seq it covers. */
export const snapshotAd = (room: string, uptoSeq: number) => JSON.stringify(['rooms/snapshot', room, uptoSeq]);

/**
 * A `DocumentStorage` decorator that seals every update and snapshot before it reaches the inner
 * storage and opens them on load. Room names, seqs, user ids and times stay in the clear (they
 * are not patient data, and the log needs them). Entries that are not well formed are passed
 * through untouched so the inner storage rejects the batch exactly as it would without
 * encryption. A value that fails to open makes `loadRoom` reject: the room is never served with
 * garbage.
 */
export class EncryptedStorage implements DocumentStorage {
  constructor(
    private readonly inner: DocumentStorage,
    private readonly cipher: DataCipher,
  ) {}

  async loadRoom(room: string): Promise<RoomRecord> {
    const record = await this.inner.loadRoom(room);
    return {
      snapshot: record.snapshot ? this.cipher.decryptBytes(record.snapshot, snapshotAd(room, record.snapshotSeq)) : null,
      snapshotSeq: record.snapshotSeq,
      updates: record.updates.map((u) => ({ ...u, update: this.cipher.decryptBytes(u.update, updateAd(room, u.userId, u.receivedAt)) })),
    };
  }

  async appendUpdates(room: string, updates: readonly NewUpdate[]): Promise<number> {
    const sealed = updates.map((u) =>
      u.update instanceof Uint8Array ? { ...u, update: this.cipher.encryptBytes(u.update, updateAd(room, u.userId, u.receivedAt)) } : u,
    );
    return this.inner.appendUpdates(room, sealed);
  }

  async compact(room: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    const sealed = snapshot instanceof Uint8Array ? this.cipher.encryptBytes(snapshot, snapshotAd(room, uptoSeq)) : snapshot;
    return this.inner.compact(room, sealed, uptoSeq);
  }

  listRooms(): Promise<string[]> {
    return this.inner.listRooms();
  }

  deleteRoom(room: string): Promise<void> {
    return this.inner.deleteRoom(room);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
