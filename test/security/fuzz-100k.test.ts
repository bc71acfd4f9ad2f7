// 100,000 offending frames through the sync core in process: a real SyncServer with MemoryStorage
// and the server's real accept hooks (createAcceptUpdate / createAcceptAwareness, composed with
// composeHooks as server.ts does; the catalog and project store are replaced by in-memory
// stand-ins), fake sockets, 8 rooms each with two well-behaved writers.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StudyDocument, type Role } from '@readingroom/model';
import { MemoryStorage, RoomState, SyncServer, type ConnectionIdentity, type SyncConnection } from '@readingroom/sync-server';
import { FakeClient, FakeSocket } from '@readingroom/testing';
import { createAcceptAwareness } from '../../apps/server/src/sync-access/accept-awareness';
import { createAcceptUpdate } from '../../apps/server/src/sync-access/accept-update';
import type { SyncAccessData } from '../../apps/server/src/sync-access/access-data';
import { MemoryClientIdRegistry } from '../../apps/server/src/sync-access/client-id-registry';
import type { StudyImages } from '../../apps/server/src/sync-access/image-index';
import { composeHooks } from '../../apps/server/src/sync-hooks';
import { fuzzPlan, offendingFrame, prng, validMaterial, type FrameKind } from '../faults/fuzz-frames';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 100_000);
const ROOMS = 8;
const CHECK_EVERY = 5_000;
const WRITE_EVERY = 40; // frames between two good writes (round robin over rooms and writers)
const FRAME_BUDGET_MS = 1000;

const SERIES = '1.2.840.99.1';
const SOPS = ['1.2.840.99.1.1', '1.2.840.99.1.2'] as const;
const studyOf = (r: number) => `1.2.840.99.${100 + r}`;
const roomOf = (r: number) => `p/p1/s/${studyOf(r)}`;
const images: StudyImages = {
  instances: new Map(SOPS.map((sop) => [sop, { seriesUid: SERIES, rows: 256, columns: 256 }])),
  series: new Map([[SERIES, { rows: 256, columns: 256, slices: 2 }]]),
};

const grant = (userId: string, r: number, role: Role = 'reader'): ConnectionIdentity => ({
  userId,
  data: { role, projectId: 'p1', studyUid: studyOf(r), scope: { type: 'shared' }, readOnly: false } satisfies SyncAccessData,
});

function createSync(storage: MemoryStorage): SyncServer {
  const clientIds = new MemoryClientIdRegistry();
  const sizeOf = (ref: { sopInstanceUid?: string; seriesInstanceUid: string }) =>
    ref.sopInstanceUid ? (images.instances.get(ref.sopInstanceUid) ?? null) : (images.series.get(ref.seriesInstanceUid) ?? null);
  const accessHooks = {
    acceptUpdate: createAcceptUpdate({ clientIds, taxonomy: () => new Set(['nodule', 'mass']), images: { images: () => images, sizeOf, noteMiss: () => {} } }),
    acceptAwareness: createAcceptAwareness({ clientIds }),
  };
  return new SyncServer({ storage, hooks: composeHooks(accessHooks), flushDelayMs: 1, unloadDelayMs: 60_000, resyncAfterRefusal: true });
}

const macrotask = () => new Promise<void>((r) => setImmediate(r));

async function untilTrue(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (let i = 0; i < 20 && !check(); i++) await Promise.resolve();
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what} (seed ${SEED})`);
    await macrotask();
  }
}

async function storedDoc(storage: MemoryStorage, room: string): Promise<Y.Doc> {
  const record = await storage.loadRoom(room);
  const doc = new Y.Doc();
  if (record.snapshot) Y.applyUpdate(doc, record.snapshot);
  for (const u of record.updates) Y.applyUpdate(doc, u.update);
  return doc;
}

const TOP = ['annotations', 'comments', 'imageStates', 'meta'] as const;
const json = (doc: Y.Doc) => Object.fromEntries(TOP.map((k) => [k, doc.getMap(k).toJSON()]));
const sv = (doc: Y.Doc) => Object.fromEntries([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b));

interface FuzzConnection {
  readonly socket: FakeSocket;
  readonly connection: SyncConnection;
}

interface GoodRoom {
  readonly index: number;
  readonly writers: Array<{ client: FakeClient; doc: StudyDocument; boxes: string[] }>;
  fuzz: FuzzConnection | null;
  connections: number;
}

describe('sync core under 100k offending frames', () => {
  it(`survives ${FRAMES} random and mutated frames over ${ROOMS} rooms within ${FRAME_BUDGET_MS} ms each, and every room holds exactly what its well-behaved writers wrote`, async () => {
    console.log(`[fuzz-100k] seed ${SEED} frames ${FRAMES} (set FUZZ_SEED / FUZZ_FRAMES to reproduce)`);
    const rand = prng(SEED);
    const material = validMaterial(rand);
    const plan = fuzzPlan(rand, FRAMES);
    const storage = new MemoryStorage();
    const sync = createSync(storage);

    // a server-originated update reaching a good client while a fuzz frame is processed is a state change
    let inFuzz = false;
    let changedByFuzz: string | null = null;
    const rooms: GoodRoom[] = [];
    for (let r = 0; r < ROOMS; r++) {
      const writers = ['alice', 'bob'].map((name) => {
        const client = new FakeClient(sync, roomOf(r), grant(`${name}-${r}`, r));
        client.doc.on('update', (_u: Uint8Array, origin: unknown) => {
          if (inFuzz && origin === client && changedByFuzz === null) changedByFuzz = `room ${r} changed while a fuzz frame was processed`;
        });
        return { client, doc: new StudyDocument(client.doc, { userId: `${name}-${r}` }), boxes: [] as string[] };
      });
      rooms.push({ index: r, writers, fuzz: null, connections: 0 });
    }
    for (const room of rooms) for (const w of room.writers) await untilTrue(() => w.client.synced, 'a good client to sync');

    let writes = 0;
    const goodWrite = () => {
      const room = rooms[writes % ROOMS]!;
      const w = room.writers[Math.floor(writes / ROOMS) % 2]!;
      const at = writes % 200;
      if (w.boxes.length > 0 && writes % 3 === 0) {
        w.doc.moveBox(w.boxes[writes % w.boxes.length]!, { x: at, y: 5, width: 10, height: 12 });
      } else {
        const box = w.doc.createBox2d({
          studyInstanceUid: studyOf(room.index),
          seriesInstanceUid: SERIES,
          sopInstanceUid: SOPS[writes % 2]!,
          geometry: { x: at, y: 10, width: 20, height: 20 },
          label: writes % 2 ? 'nodule' : 'mass',
        });
        w.boxes.push(box.id);
      }
      writes++;
    };

    // a bare connection (no sync handshake of its own): started once the server sent it its sync step 1
    const openFuzz = async (room: GoodRoom): Promise<FuzzConnection> => {
      if (room.fuzz && !room.fuzz.socket.isClosed) return room.fuzz;
      room.fuzz?.connection.handleClose();
      const socket = new FakeSocket();
      const connection = sync.connect(socket, { room: roomOf(room.index), identity: grant(`fuzzer-${room.index}-${room.connections++}`, room.index) });
      await untilTrue(() => socket.sent.length > 0 || socket.isClosed, 'a fuzz connection to start');
      socket.sent.length = 0;
      room.fuzz = { socket, connection };
      return room.fuzz;
    };

    const closes = new Map<string, number>();
    const tally = (kind: FrameKind, c: FuzzConnection) => {
      const key = `${kind} → ${c.socket.isClosed ? c.socket.closeCode : 'open'}`;
      closes.set(key, (closes.get(key) ?? 0) + 1);
    };
    let maxMs = 0;
    let maxKind: FrameKind | null = null;
    let overBudget = 0;
    const started = performance.now();

    const checkpoint = async () => {
      await sync.flushAll();
      for (const room of rooms) {
        const [a, b] = room.writers;
        for (const w of room.writers) expect(w.client.socket.isClosed, `a good client of room ${room.index} was closed: ${w.client.socket.closeReason}`).toBe(false);
        expect(a!.client.rejections, `good writes were refused in room ${room.index}`).toEqual([]);
        await untilTrue(() => Y.encodeStateVector(a!.client.doc).toString() === Y.encodeStateVector(b!.client.doc).toString(), `room ${room.index} to converge`);
        const stored = await storedDoc(storage, roomOf(room.index));
        expect(sv(stored)).toEqual(sv(a!.client.doc));
        expect(json(stored)).toEqual(json(b!.client.doc));
      }
    };

    for (let i = 0; i < plan.length; i++) {
      const kind = plan[i]!;
      const room = rooms[i % ROOMS]!;
      const frame = offendingFrame(kind, rand, material);
      const data = typeof frame.data === 'string' ? new TextEncoder().encode(frame.data) : frame.data;
      const fuzz = await openFuzz(room);
      if (sync.roomState(roomOf(room.index)) !== RoomState.Active) throw new Error(`room ${room.index} is not active (seed ${SEED}, frame ${i})`);
      inFuzz = true;
      const t0 = performance.now();
      fuzz.connection.receive(data);
      const ms = performance.now() - t0;
      inFuzz = false;
      if (ms > maxMs) [maxMs, maxKind] = [ms, kind];
      if (ms > FRAME_BUDGET_MS) overBudget++;
      if (changedByFuzz !== null) expect.fail(`${changedByFuzz} (seed ${SEED}, frame ${i}, ${kind})`);
      tally(kind, fuzz);
      if (i % WRITE_EVERY === 0) goodWrite();
      if (i % 500 === 499) await macrotask(); // lets the 1 ms flushes run
      if (i % CHECK_EVERY === CHECK_EVERY - 1) await checkpoint();
    }
    await checkpoint();
    const elapsed = performance.now() - started;
    const connections = rooms.reduce((n, r) => n + r.connections, 0);
    console.log(
      `[fuzz-100k] ${plan.length} frames in ${(elapsed / 1000).toFixed(1)} s (${Math.round(plan.length / (elapsed / 1000))} frames/s), ` +
        `max ${maxMs.toFixed(1)} ms per frame (${maxKind}), ${connections} fuzz connections, ${writes} good writes`,
      Object.fromEntries([...closes].sort()),
    );

    expect(overBudget, `frames over ${FRAME_BUDGET_MS} ms (seed ${SEED})`).toBe(0);
    expect(maxMs).toBeLessThan(FRAME_BUDGET_MS);
    // a frame that leaves its connection open is only possible for a refused (not applied) message
    expect([...closes.keys()].filter((k) => !k.endsWith('open') && !/→ 4\d\d\d$/.test(k))).toEqual([]);

    // final: each room's stored state is exactly what its two writers wrote, and only they wrote
    for (const room of rooms) {
      const stored = await storedDoc(storage, roomOf(room.index));
      const writerIds = room.writers.map((w) => w.client.doc.clientID).sort((a, b) => a - b);
      expect(Object.keys(sv(stored)).map(Number).sort((a, b) => a - b)).toEqual(writerIds);
      const expected = new Y.Doc();
      for (const w of room.writers) Y.applyUpdate(expected, Y.encodeStateAsUpdate(w.client.doc, Y.encodeStateVector(expected)));
      // rebuild from each writer's own updates only: the union of their local histories
      expect(sv(stored)).toEqual(sv(expected));
      expect(json(stored)).toEqual(json(expected));
      const ids = room.writers.flatMap((w) => w.boxes).sort();
      expect(Object.keys(stored.getMap('annotations').toJSON()).sort()).toEqual(ids);
    }
    expect(writes).toBeGreaterThan(FRAMES / WRITE_EVERY - 1);
    await sync.shutdown();
  }, 180_000);
});
