import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '@readingroom/protocol';
import { startTestServer, type TestServer } from '../support/test-server';
import { docJson, openStockClient, untilConverged, type StockClient } from '../support/stock-client';
import { RawClient, roomUrl, type CloseInfo } from '../support/raw-client';
import { inBatches, sleep, until } from '../support/until';
import { fuzzPlan, offendingFrame, prng, validMaterial, type FrameKind } from './fuzz-frames';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const FRAMES = 1000;
const PARALLEL = 16;
const ROOM = 'fuzzed-study';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await server.login();
});
afterAll(async () => {
  await server?.close();
});

interface Outcome {
  readonly index: number;
  readonly kind: FrameKind;
  readonly hex: string;
  readonly close: CloseInfo | 'timeout' | 'refused';
}

/** Opens a connection, sends one offending frame, and reports how the server closed it. */
async function sendOffending(index: number, kind: FrameKind, data: Uint8Array | string): Promise<Outcome> {
  const hex = typeof data === 'string' ? `text:${JSON.stringify(data)}` : Buffer.from(data.subarray(0, 48)).toString('hex') + (data.length > 48 ? `…(${data.length} B)` : '');
  let client: RawClient;
  try {
    client = await RawClient.connect(roomUrl(server.syncUrl, ROOM, token));
  } catch {
    return { index, kind, hex, close: 'refused' };
  }
  client.send(data);
  const close = await Promise.race([client.closed, sleep(5000).then(() => 'timeout' as const)]);
  client.ws.terminate();
  return { index, kind, hex, close };
}

const acceptable = (o: Outcome): boolean => {
  if (typeof o.close === 'string') return false;
  if (o.kind === 'oversized') return o.close.code === CloseCode.MessageTooLarge && o.close.reason.length > 0;
  return o.close.code >= 4000 && o.close.code < 4100 && o.close.reason.length > 0;
};

describe('malformed frames', () => {
  it(`closes each of ${FRAMES} offending connections with a 4000-range code and a reason (4002 for oversized), while two stock clients in the same room keep syncing and the stored room holds exactly their writes`, async () => {
    console.log(`[fuzz] seed ${SEED} (set FUZZ_SEED to reproduce)`);
    const rand = prng(SEED);
    const material = validMaterial(rand);
    const plan = fuzzPlan(rand, FRAMES);
    const frames = plan.map((kind) => offendingFrame(kind, rand, material));

    const a = await openStockClient({ syncUrl: server.syncUrl, room: ROOM, token });
    const b = await openStockClient({ syncUrl: server.syncUrl, room: ROOM, token, version: 2 });
    const good: StockClient[] = [a, b];
    let disconnects = 0;
    for (const c of good) c.onStatus((status) => void (status === 'disconnected' && disconnects++));

    // the good clients write all the time, from a timer, while frames are being sent
    let writes = 0;
    const writer = setInterval(() => {
      const c = good[writes % 2]!;
      c.doc.transact(() => {
        c.doc.getMap('m').set(`w${writes}`, writes);
        c.doc.getArray('a').push([writes]);
        c.doc.getText('t').insert(c.doc.getText('t').length, `${writes};`);
      });
      writes++;
    }, 15);

    const started = Date.now();
    const outcomes: Outcome[] = [];
    try {
      for (let from = 0; from < frames.length; from += 100) {
        const chunk = frames.slice(from, from + 100);
        outcomes.push(...(await inBatches(chunk, PARALLEL, (f, i) => sendOffending(from + i, f.kind, f.data))));
        // the good clients are still connected and converge at every checkpoint
        await untilConverged([a.doc, b.doc], 5000);
      }
    } finally {
      clearInterval(writer);
    }
    const elapsed = Date.now() - started;

    const byKind = new Map<string, number>();
    for (const o of outcomes) {
      const key = `${o.kind} → ${typeof o.close === 'string' ? o.close : o.close.code}`;
      byKind.set(key, (byKind.get(key) ?? 0) + 1);
    }
    console.log(`[fuzz] ${outcomes.length} frames in ${elapsed} ms, ${writes} good writes;`, Object.fromEntries([...byKind].sort()));

    const bad = outcomes.filter((o) => !acceptable(o));
    expect(bad.slice(0, 10), `${bad.length} connections not closed as expected (seed ${SEED})`).toEqual([]);
    expect(disconnects, 'good clients were disconnected').toBe(0);

    await untilConverged([a.doc, b.doc], 5000);
    const expected = docJson(a.doc);
    const expectedSv = Y.encodeStateVector(a.doc);
    expect(Object.keys(expected.m as object)).toHaveLength(writes);
    expect(Y.decodeStateVector(expectedSv).size).toBe(2); // only the two good clients ever wrote

    // the server is still up; what it stored is exactly what the good clients wrote
    for (const c of good) c.destroy();
    await until(() => server.server.sync.roomCount === 0, 5000, 'the room to unload');
    await server.restart();
    const fresh = await openStockClient({ syncUrl: server.syncUrl, room: ROOM, token });
    try {
      expect(Y.encodeStateVector(fresh.doc)).toEqual(expectedSv);
      expect(docJson(fresh.doc)).toEqual(expected);
    } finally {
      fresh.destroy();
    }
  });
});
