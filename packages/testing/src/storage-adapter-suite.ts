import type { DocumentStorage, NewUpdate, RoomRecord } from '@readingroom/sync-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectSameBytes, pseudoRandomBytes } from './bytes';

/** What a storage adapter's test file hands to the suite: a fresh, empty storage per test. */
export interface StorageAdapterSetup {
  storage: DocumentStorage;
  /** Runs after the suite has closed `storage` (e.g. to delete a temporary directory). */
  teardown?: () => Promise<void>;
}

const MiB = 1024 * 1024;

function entry(bytes: number[] | Uint8Array, userId: string | null = 'alice', receivedAt = 1_700_000_000_000): NewUpdate {
  return { update: bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes), userId, receivedAt };
}

/** Seqs and payload bytes of a record's tail, for compact comparisons. */
function tail(record: RoomRecord): Array<[number, number[]]> {
  return record.updates.map((u) => [u.seq, Array.from(u.update)]);
}

/** Rebuilds a Y.Doc the way a server loads a room: snapshot first, then the tail in seq order. */
function docFrom(record: RoomRecord): Y.Doc {
  const doc = new Y.Doc();
  if (record.snapshot) Y.applyUpdate(doc, record.snapshot);
  for (const u of record.updates) Y.applyUpdate(doc, u.update);
  return doc;
}

/**
 * The contract every `DocumentStorage` adapter must meet (see `storage.ts` in
 * @readingroom/sync-server). Call it once from the adapter's test file; `setup` must return a
 * fresh, empty storage for every test. The suite closes the storage after each test, then runs
 * `teardown`.
 *
 * Interpretations the contract leaves open, pinned here so all adapters agree:
 * - a malformed entry fails the whole `appendUpdates` batch and nothing is stored;
 * - `compact` rejects, leaving the room unchanged, when `uptoSeq` is not a positive integer, is
 *   beyond the last seq, or is behind the current snapshot (that would drop edits);
 * - `deleteRoom` removes the seq counter too: a re-created room starts again at seq 1;
 * - `listRooms` order is unspecified; `close` is idempotent and later calls reject.
 */
export function runStorageAdapterTests(
  name: string,
  setup: () => Promise<StorageAdapterSetup>,
): void {
  describe(`DocumentStorage adapter: ${name}`, () => {
    let storage: DocumentStorage;
    let teardown: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ storage, teardown } = await setup());
    });

    afterEach(async () => {
      await storage.close();
      await teardown?.();
    });

    describe('empty state', () => {
      it('loads a room that was never written as an empty record, not an error', async () => {
        await expect(storage.loadRoom('never-written')).resolves.toEqual({
          snapshot: null,
          snapshotSeq: 0,
          updates: [],
        });
      });

      it('lists no rooms in a fresh storage', async () => {
        await expect(storage.listRooms()).resolves.toEqual([]);
      });
    });

    describe('appendUpdates', () => {
      it('assigns seqs 1, 2, 3… in order within a room and returns the last one', async () => {
        expect(await storage.appendUpdates('r', [entry([1]), entry([2])])).toBe(2);
        expect(await storage.appendUpdates('r', [entry([3])])).toBe(3);
        expect(await storage.appendUpdates('r', [entry([4]), entry([5]), entry([6])])).toBe(6);
        const record = await storage.loadRoom('r');
        expect(tail(record)).toEqual([[1, [1]], [2, [2]], [3, [3]], [4, [4]], [5, [5]], [6, [6]]]);
        expect(record.snapshot).toBeNull();
        expect(record.snapshotSeq).toBe(0);
      });

      it('keeps an independent seq counter per room', async () => {
        expect(await storage.appendUpdates('a', [entry([1]), entry([2]), entry([3])])).toBe(3);
        expect(await storage.appendUpdates('b', [entry([9])])).toBe(1);
        expect(await storage.appendUpdates('a', [entry([4])])).toBe(4);
        expect(await storage.appendUpdates('b', [entry([8])])).toBe(2);
        expect(tail(await storage.loadRoom('a'))).toEqual([[1, [1]], [2, [2]], [3, [3]], [4, [4]]]);
        expect(tail(await storage.loadRoom('b'))).toEqual([[1, [9]], [2, [8]]]);
      });

      it('returns the current last seq for an empty batch and stores nothing', async () => {
        expect(await storage.appendUpdates('r', [])).toBe(0);
        expect(await storage.listRooms()).toEqual([]);
        await storage.appendUpdates('r', [entry([1]), entry([2])]);
        expect(await storage.appendUpdates('r', [])).toBe(2);
        await storage.compact('r', Uint8Array.of(7), 2);
        expect(await storage.appendUpdates('r', [])).toBe(2);
        expect((await storage.loadRoom('r')).updates).toEqual([]);
      });

      it('round-trips bytes, userId and receivedAt exactly, including a null userId', async () => {
        const every = Uint8Array.from({ length: 256 }, (_, i) => i);
        const backing = Uint8Array.of(0xaa, 0xbb, 10, 20, 30, 0xcc);
        const view = backing.subarray(2, 5); // a view with a byteOffset: only [10, 20, 30] count
        const batch: NewUpdate[] = [
          { update: every, userId: 'dr.smith@hospital.example', receivedAt: 1_731_000_000_123 },
          { update: Uint8Array.of(0, 0), userId: null, receivedAt: 0 },
          { update: view, userId: '', receivedAt: 8_640_000_000_000_000 },
          { update: new Uint8Array(0), userId: 'Zoë 😀', receivedAt: 1 },
        ];
        await storage.appendUpdates('r', batch);
        const { updates } = await storage.loadRoom('r');
        expect(updates.map((u) => [u.seq, u.userId, u.receivedAt])).toEqual([
          [1, 'dr.smith@hospital.example', 1_731_000_000_123],
          [2, null, 0],
          [3, '', 8_640_000_000_000_000],
          [4, 'Zoë 😀', 1],
        ]);
        expectSameBytes(updates[0]?.update, every);
        expectSameBytes(updates[1]?.update, Uint8Array.of(0, 0));
        expectSameBytes(updates[2]?.update, Uint8Array.of(10, 20, 30));
        expectSameBytes(updates[3]?.update, new Uint8Array(0));
      });

      it('rejects a batch containing a malformed entry and stores none of it', async () => {
        await storage.appendUpdates('r', [entry([1])]);
        const bad = [entry([2]), { update: 'not bytes', userId: null, receivedAt: 1 } as unknown as NewUpdate];
        await expect(storage.appendUpdates('r', bad)).rejects.toThrow();
        expect(tail(await storage.loadRoom('r'))).toEqual([[1, [1]]]);
        expect(await storage.appendUpdates('r', [entry([3])])).toBe(2);
      });

      it('round-trips a 5 MiB update and a 5 MiB snapshot byte for byte', async () => {
        const big = pseudoRandomBytes(5 * MiB, 1);
        const bigSnapshot = pseudoRandomBytes(5 * MiB, 2);
        expect(await storage.appendUpdates('big', [entry(big), entry([1])])).toBe(2);
        let record = await storage.loadRoom('big');
        expectSameBytes(record.updates[0]?.update, big);
        await storage.compact('big', bigSnapshot, 1);
        record = await storage.loadRoom('big');
        expectSameBytes(record.snapshot, bigSnapshot);
        expect(tail(record)).toEqual([[2, [1]]]);
      });
    });

    describe('compact', () => {
      it('replaces the prefix with the snapshot and keeps later entries', async () => {
        await storage.appendUpdates('r', [1, 2, 3, 4, 5].map((b) => entry([b])));
        await storage.compact('r', Uint8Array.of(0xee, 0xff), 3);
        const record = await storage.loadRoom('r');
        expectSameBytes(record.snapshot, Uint8Array.of(0xee, 0xff));
        expect(record.snapshotSeq).toBe(3);
        expect(tail(record)).toEqual([[4, [4]], [5, [5]]]);
      });

      it('never reuses seqs, even after the whole log was compacted away', async () => {
        await storage.appendUpdates('r', [entry([1]), entry([2])]);
        await storage.compact('r', Uint8Array.of(0xaa), 2);
        let record = await storage.loadRoom('r');
        expect(record.updates).toEqual([]);
        expect(record.snapshotSeq).toBe(2);
        expect(await storage.appendUpdates('r', [entry([3])])).toBe(3);
        await storage.compact('r', Uint8Array.of(0xbb), 3);
        expect(await storage.appendUpdates('r', [entry([4]), entry([5])])).toBe(5);
        record = await storage.loadRoom('r');
        expectSameBytes(record.snapshot, Uint8Array.of(0xbb));
        expect(record.snapshotSeq).toBe(3);
        expect(tail(record)).toEqual([[4, [4]], [5, [5]]]);
      });

      it('accepts a re-written snapshot at the current snapshot seq', async () => {
        await storage.appendUpdates('r', [entry([1]), entry([2])]);
        await storage.compact('r', Uint8Array.of(1), 1);
        await storage.compact('r', Uint8Array.of(2), 1);
        const record = await storage.loadRoom('r');
        expectSameBytes(record.snapshot, Uint8Array.of(2));
        expect(tail(record)).toEqual([[2, [2]]]);
      });

      it('rejects an uptoSeq that is not a positive integer, beyond the log, or behind the snapshot, and changes nothing', async () => {
        await storage.appendUpdates('r', [1, 2, 3, 4].map((b) => entry([b])));
        await storage.compact('r', Uint8Array.of(0xaa), 2);
        const before = await storage.loadRoom('r');
        for (const uptoSeq of [5, 1, 0, -1, 2.5, Number.NaN]) {
          await expect(storage.compact('r', Uint8Array.of(0xbb), uptoSeq), `uptoSeq ${uptoSeq}`).rejects.toThrow();
        }
        await expect(storage.compact('never-written', Uint8Array.of(0xbb), 1)).rejects.toThrow();
        const after = await storage.loadRoom('r');
        expectSameBytes(after.snapshot, Uint8Array.of(0xaa));
        expect(after.snapshotSeq).toBe(before.snapshotSeq);
        expect(tail(after)).toEqual(tail(before));
        expect(await storage.listRooms()).toEqual(['r']);
      });

      it('reproduces the same Y.Doc from snapshot + tail as from the full log', async () => {
        const server = new Y.Doc();
        const log: Uint8Array[] = [];
        server.on('update', (u: Uint8Array) => log.push(u));
        const alice = new Y.Doc();
        const bob = new Y.Doc();
        for (let i = 0; i < 30; i++) {
          const author = i % 3 === 0 ? bob : alice;
          const boxes = author.getMap<Y.Map<unknown>>('boxes');
          author.transact(() => {
            const box = new Y.Map<unknown>();
            box.set('x', i);
            box.set('label', i % 2 ? 'nodule' : 'mass');
            boxes.set(`box-${i}`, box);
            if (i % 5 === 4) boxes.delete(`box-${i - 2}`);
            author.getArray<string>('findings').push([`finding ${i}`]);
          });
          Y.applyUpdate(server, Y.encodeStateAsUpdate(author, Y.encodeStateVector(server)));
        }
        const half = Math.floor(log.length / 2);
        for (let i = 0; i < log.length; i += 4) {
          await storage.appendUpdates('study', log.slice(i, i + 4).map((u) => entry(u)));
        }
        // Compact as a server would: from what storage holds, not from its live doc.
        const prefix = await storage.loadRoom('study');
        await storage.compact('study', Y.mergeUpdates(prefix.updates.slice(0, half).map((u) => u.update)), half);
        const reloaded = docFrom(await storage.loadRoom('study'));
        expect(reloaded.toJSON()).toEqual(server.toJSON());
        expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(server));

        // A second compaction over the whole log, built from snapshot + tail.
        const state = Y.encodeStateAsUpdate(reloaded);
        await storage.compact('study', state, log.length);
        const again = await storage.loadRoom('study');
        expect(again.updates).toEqual([]);
        expect(docFrom(again).toJSON()).toEqual(server.toJSON());
      });
    });

    describe('concurrency', () => {
      it('keeps call order and loses nothing across many concurrent appends to several rooms', async () => {
        const rooms = ['a', 'b', 'c'];
        const calls = Array.from({ length: 300 }, (_, i) => ({
          room: rooms[i % rooms.length] ?? 'a',
          batch: Array.from({ length: (i % 4) + 1 }, (_, j) => entry([i & 0xff, i >> 8, j], `u${i}`, i)),
        }));
        const results = await Promise.all(calls.map((c) => storage.appendUpdates(c.room, c.batch)));
        for (const room of rooms) {
          const expected = calls.filter((c) => c.room === room).flatMap((c) => c.batch);
          const mine = results.filter((_, i) => calls[i]?.room === room);
          // Each call's returned seq is the running total of its room in call order.
          let total = 0;
          expect(mine).toEqual(
            calls.filter((c) => c.room === room).map((c) => (total += c.batch.length)),
          );
          const { updates } = await storage.loadRoom(room);
          expect(updates.map((u) => u.seq)).toEqual(expected.map((_, i) => i + 1));
          expect(updates.map((u) => [Array.from(u.update), u.userId, u.receivedAt])).toEqual(
            expected.map((e) => [Array.from(e.update), e.userId, e.receivedAt]),
          );
        }
      });

      it('keeps appends that race with a compaction', async () => {
        await storage.appendUpdates('r', [entry([1]), entry([2])]);
        const appends = Array.from({ length: 50 }, (_, i) => storage.appendUpdates('r', [entry([i + 3])]));
        const compaction = storage.compact('r', Uint8Array.of(0xaa), 2);
        await Promise.all([...appends, compaction]);
        const record = await storage.loadRoom('r');
        expect(record.snapshotSeq).toBe(2);
        expect(tail(record)).toEqual(Array.from({ length: 50 }, (_, i) => [i + 3, [i + 3]]));
      });
    });

    describe('rooms', () => {
      it('lists every room with stored state, including one whose log was fully compacted', async () => {
        await storage.appendUpdates('x', [entry([1])]);
        await storage.appendUpdates('y', [entry([1])]);
        await storage.compact('y', Uint8Array.of(1), 1);
        await storage.appendUpdates('z', []);
        expect((await storage.listRooms()).sort()).toEqual(['x', 'y']);
      });

      it('deletes a room completely, leaves others alone, and restarts its seqs at 1', async () => {
        await storage.appendUpdates('gone', [entry([1]), entry([2])]);
        await storage.compact('gone', Uint8Array.of(1), 1);
        await storage.appendUpdates('kept', [entry([5])]);
        await storage.deleteRoom('gone');
        await storage.deleteRoom('never-existed');
        expect(await storage.loadRoom('gone')).toEqual({ snapshot: null, snapshotSeq: 0, updates: [] });
        expect(await storage.listRooms()).toEqual(['kept']);
        expect(tail(await storage.loadRoom('kept'))).toEqual([[1, [5]]]);
        expect(await storage.appendUpdates('gone', [])).toBe(0);
        expect(await storage.appendUpdates('gone', [entry([9])])).toBe(1);
      });

      it('treats unusual room names as distinct, opaque keys', async () => {
        const names = [
          'study/1.2.840.113619/series/3',
          "O'Brien \"quoted\" `tick`",
          'über-Ünïcödé 放射線 😀',
          'caf\u00e9', // precomposed é
          'cafe\u0301', // e + combining acute: a different key, not normalised
          '%', '_', 'a%', 'ab', 'a_b', '\\', "'; DROP TABLE updates; --",
          ' ', '',
        ];
        for (const [i, room] of names.entries()) {
          expect(await storage.appendUpdates(room, [entry([i])])).toBe(1);
        }
        expect((await storage.listRooms()).sort()).toEqual([...names].sort());
        for (const [i, room] of names.entries()) {
          expect(tail(await storage.loadRoom(room)), JSON.stringify(room)).toEqual([[1, [i]]]);
        }
        await storage.deleteRoom('a%');
        await storage.deleteRoom('_');
        expect((await storage.listRooms()).sort()).toEqual(names.filter((n) => n !== 'a%' && n !== '_').sort());
      });
    });

    describe('isolation of stored bytes', () => {
      it('is not affected by callers mutating what they passed in or got back', async () => {
        const input = Uint8Array.of(1, 2, 3);
        const snapshotInput = Uint8Array.of(7, 7);
        await storage.appendUpdates('r', [entry([4]), entry(input)]);
        input.fill(0);
        await storage.compact('r', snapshotInput, 1);
        snapshotInput.fill(0);

        const first = await storage.loadRoom('r');
        first.updates[0]?.update.fill(0xff);
        first.snapshot?.fill(0xff);
        (first.updates as unknown[]).push({ seq: 99 });
        (first.updates as unknown[]).splice(0, 1);

        const second = await storage.loadRoom('r');
        expectSameBytes(second.snapshot, Uint8Array.of(7, 7));
        expect(tail(second)).toEqual([[2, [1, 2, 3]]]);
      });
    });

    describe('close', () => {
      it('makes later calls reject, and closing twice is harmless', async () => {
        await storage.appendUpdates('r', [entry([1])]);
        await storage.close();
        await expect(storage.close()).resolves.toBeUndefined();
        await expect(storage.loadRoom('r')).rejects.toThrow();
        await expect(storage.appendUpdates('r', [entry([2])])).rejects.toThrow();
        await expect(storage.compact('r', Uint8Array.of(1), 1)).rejects.toThrow();
        await expect(storage.listRooms()).rejects.toThrow();
        await expect(storage.deleteRoom('r')).rejects.toThrow();
      });
    });
  });
}
