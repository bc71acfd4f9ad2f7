import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import type { DocumentStorage } from '@readingroom/sync-server';
import { startTestServer, type TestServer } from '../support/test-server';
import { openStockClient, type StockClient } from '../support/stock-client';
import { inBatches, sleep, until } from '../support/until';

let server: TestServer | undefined;
const clients: StockClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = undefined;
});

/** `global.gc` without --expose-gc on the command line. */
function obtainGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Collects until the used heap stops shrinking; returns it in bytes. */
async function settledHeap(gc: () => void): Promise<number> {
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 12; i++) {
    gc();
    await sleep(30);
    const used = process.memoryUsage().heapUsed;
    if (used > last * 0.995) return Math.min(used, last);
    last = used;
  }
  return last;
}

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

describe('room lifecycle under churn', () => {
  it('unloads all of 200 rooms opened and closed by stock clients (roomCount back to 0) and the heap returns to within 10% of its baseline', async () => {
    const gc = obtainGc();
    process.setMaxListeners(64); // each stock provider adds a process 'exit' listener; 20 run at once
    server = await startTestServer();
    const token = await server.login();
    const payload = 'lorem ipsum dolor sit amet '.repeat(2400); // ~64 KB of text per room, so a leaked doc shows

    const round = async (prefix: string, rooms: number) => {
      await inBatches(
        Array.from({ length: rooms }, (_, i) => `${prefix}-${i}`),
        20,
        async (room) => {
          const c = await openStockClient({ syncUrl: server!.syncUrl, room, token });
          c.doc.getText('t').insert(0, payload);
          c.doc.getMap('m').set('room', room);
          c.provider.awareness.setLocalState({ user: room });
          await sleep(20);
          c.destroy();
        },
      );
      await until(() => server!.server.sync.roomCount === 0 && server!.server.sync.connectionCount === 0, 10_000, `rooms of ${prefix} to unload`);
    };

    await round('warmup', 20);
    const baseline = await settledHeap(gc);
    const peakStart = Date.now();
    await round('churn', 200);
    const churnMs = Date.now() - peakStart;
    const after = await settledHeap(gc);
    console.log(`[heap] baseline ${MiB(baseline)}, after 200 rooms ${MiB(after)} (${((after / baseline - 1) * 100).toFixed(1)}%), churn took ${churnMs} ms`);
    expect(server.server.sync.roomCount).toBe(0);
    expect(after).toBeLessThanOrEqual(baseline * 1.1);

    // and the rooms were really written: a sample reloads with its content
    for (const room of ['churn-0', 'churn-123', 'churn-199']) {
      const c = await openStockClient({ syncUrl: server.syncUrl, room, token });
      clients.push(c);
      expect(c.doc.getMap('m').get('room')).toBe(room);
      expect(c.doc.getText('t').length).toBe(payload.length);
    }
  });

  it('loses no write from clients that join while the room is unloading (slow storage widens the window), verified after a restart', async () => {
    const STORAGE_DELAY_MS = 60;
    /** Real SQLite, each call delayed: a slow disk. */
    const slow = (inner: DocumentStorage): DocumentStorage => {
      const delay = <T>(p: () => Promise<T>) => sleep(STORAGE_DELAY_MS).then(p);
      return {
        loadRoom: (room) => delay(() => inner.loadRoom(room)),
        appendUpdates: (room, updates) => delay(() => inner.appendUpdates(room, updates)),
        compact: (room, snapshot, upto) => delay(() => inner.compact(room, snapshot, upto)),
        listRooms: () => inner.listRooms(),
        deleteRoom: (room) => inner.deleteRoom(room),
        close: () => inner.close(),
      };
    };
    server = await startTestServer({ deps: { openStorage: (config) => slow(SqliteStorage.open({ filename: join(config.dataDir, 'rooms.db') })) } });
    const token = await server.login();
    const ROOM = 'unload-race';
    const sync = () => server!.server.sync;
    const ITERATIONS = 16;
    const joinStates: string[] = [];

    for (let i = 0; i < ITERATIONS; i++) {
      // even iterations wait for the unload to begin; odd ones rejoin at once (the unload timer is pending)
      if (i > 0 && i % 2 === 0) {
        await until(() => sync().roomState(ROOM) === 'unloading', 5000, 'the room to start unloading', 1);
      }
      joinStates.push(String(sync().roomState(ROOM)));
      const c = await openStockClient({ syncUrl: server.syncUrl, room: ROOM, token, waitSynced: false });
      c.doc.getMap('m').set(`w${i}`, i); // written before the room answered: travels in the client's sync step 2
      await until(() => c.provider.synced, 5000, `client ${i} to sync`);
      // its own write plus the two writes of every earlier client
      await until(() => c.doc.getMap('m').size === 2 * i + 1, 3000, `client ${i} to see all earlier writes`).catch(() => {
        throw new Error(`client ${i} sees ${JSON.stringify(Object.keys(c.doc.getMap('m').toJSON()).sort())}; join state ${joinStates.at(-1)}`);
      });
      c.doc.getMap('m').set(`after-sync-${i}`, i);
      c.destroy(); // disconnect right after writing
    }
    console.log(`[unload-race] room state when each client joined: ${joinStates.join(', ')}`);
    expect(joinStates.filter((s) => s === 'unloading').length, 'no join hit the unloading window').toBeGreaterThanOrEqual(ITERATIONS / 2 - 1);

    await until(() => sync().roomCount === 0, 5000, 'the room to unload');
    await server.restart();
    const check = await openStockClient({ syncUrl: server.syncUrl, room: ROOM, token });
    clients.push(check);
    const expected: Record<string, number> = {};
    for (let i = 0; i < ITERATIONS; i++) {
      expected[`w${i}`] = i;
      expected[`after-sync-${i}`] = i;
    }
    expect(check.doc.getMap('m').toJSON()).toEqual(expected);
  });
});
