import type { NewUpdate } from './storage';

// Checks every DocumentStorage implementation runs before writing, so that all adapters refuse
// the same malformed input the same way (the shared adapter suite pins the behaviour).

/** A malformed entry fails the whole batch before anything is written. */
export function assertValidUpdate(u: NewUpdate, index: number): void {
  if (!(u.update instanceof Uint8Array)) {
    throw new TypeError(`updates[${index}].update must be a Uint8Array`);
  }
  if (u.userId !== null && typeof u.userId !== 'string') {
    throw new TypeError(`updates[${index}].userId must be a string or null`);
  }
  if (!Number.isFinite(u.receivedAt)) {
    throw new TypeError(`updates[${index}].receivedAt must be a finite number`);
  }
}

/**
 * A compaction may only move the snapshot forward (or re-write it at the same seq) and may not
 * claim updates that do not exist yet. Going backwards would drop the updates between the two
 * snapshots, which were already deleted from the log: an edit would be lost.
 */
export function assertValidCompaction(room: string, uptoSeq: number, snapshotSeq: number, lastSeq: number): void {
  const where = `compact(${JSON.stringify(room)})`;
  if (!Number.isSafeInteger(uptoSeq) || uptoSeq < 1) {
    throw new RangeError(`${where}: uptoSeq must be a positive integer`);
  }
  if (uptoSeq < snapshotSeq) {
    throw new RangeError(`${where}: uptoSeq ${uptoSeq} is behind the current snapshot (${snapshotSeq})`);
  }
  if (uptoSeq > lastSeq) {
    throw new RangeError(`${where}: uptoSeq ${uptoSeq} is beyond the last stored seq (${lastSeq})`);
  }
}
