import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../support/test-server';
import { openStockClient, untilConverged, type StockClient } from '../support/stock-client';
import {
  RawClient,
  decodeServerFrame,
  encodeAwarenessFrame,
  encodeQueryAwarenessFrame,
  encodeStep1,
  encodeStep2,
  encodeSubscribeAckFrame,
  encodeUpdate,
  roomUrl,
  type ServerMessage,
} from '../support/raw-client';
import { sleep, until } from '../support/until';
import * as awarenessProtocol from 'y-protocols/awareness';

let server: TestServer | undefined;
const clients: StockClient[] = [];
const raws: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const r of raws.splice(0)) r.ws.terminate();
  await server?.close();
  server = undefined;
});

const STOCK_KINDS = new Set<ServerMessage['kind']>(['sync-step1', 'sync-step2', 'sync-update', 'awareness', 'permission-denied', 'query-awareness']);

/** Updates made by a private doc, one per call, as a writer would produce them. */
function updateSource(clientId: number) {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const captured: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => captured.push(u));
  return {
    doc,
    next(key: string, value: unknown): Uint8Array {
      doc.getMap('m').set(key, value);
      return captured.at(-1)!;
    },
  };
}

describe('framing and extension messages', () => {
  it('sends every frame as exactly one y-websocket message with no trailing bytes, to 2.x, 3.x and raw clients alike', async () => {
    server = await startTestServer();
    const token = await server.login();
    const v2 = await openStockClient({ syncUrl: server.syncUrl, room: 'frames', token, version: 2 });
    const v3 = await openStockClient({ syncUrl: server.syncUrl, room: 'frames', token });
    clients.push(v2, v3);
    const raw = await RawClient.connect(roomUrl(server.syncUrl, 'frames', token));
    raws.push(raw);
    raw.send(encodeSubscribeAckFrame());
    raw.send(encodeStep1(new Uint8Array([0])));

    // a busy room: edits from both stock clients, awareness churn, a late joiner, queries
    for (let i = 0; i < 30; i++) {
      (i % 2 ? v2 : v3).doc.getArray('a').push([i]);
      (i % 2 ? v3 : v2).provider.awareness.setLocalStateField('cursor', i);
      if (i % 10 === 0) raw.send(encodeQueryAwarenessFrame());
    }
    raw.send(encodeUpdate(updateSource(777).next('raw', 1)));
    const late = await openStockClient({ syncUrl: server.syncUrl, room: 'frames', token, version: 2 });
    clients.push(late);
    await untilConverged([v2.doc, v3.doc, late.doc]);
    await sleep(100);

    for (const c of [v2, v3, late]) {
      expect(c.received.length).toBeGreaterThan(2);
      for (const f of c.received) expect(() => decodeServerFrame(f)).not.toThrow();
    }
    expect(raw.frames.length).toBeGreaterThan(2);
    for (const f of raw.frames) expect(() => decodeServerFrame(f)).not.toThrow();
    // the late 2.x client got the whole document, which it can only have read from single-message frames
    expect(late.doc.getArray('a').length).toBe(30);
  });

  it('never sends a stock client a message type of 100 or more, even while another connection in the room receives durable acks', async () => {
    server = await startTestServer();
    const token = await server.login();
    const v3 = await openStockClient({ syncUrl: server.syncUrl, room: 'no-ext', token });
    const v2 = await openStockClient({ syncUrl: server.syncUrl, room: 'no-ext', token, version: 2 });
    clients.push(v3, v2);
    const subscriber = await RawClient.connect(roomUrl(server.syncUrl, 'no-ext', token));
    raws.push(subscriber);
    subscriber.send(encodeSubscribeAckFrame());
    const src = updateSource(4711);
    for (let i = 0; i < 10; i++) {
      subscriber.send(encodeUpdate(src.next(`s${i}`, i)));
      v3.doc.getMap('m').set(`v3-${i}`, i);
      v2.doc.getMap('m').set(`v2-${i}`, i);
      await sleep(10);
    }
    await until(() => subscriber.messages().some((m) => m.kind === 'durable-ack'), 3000, 'acks to the subscriber');
    await untilConverged([v2.doc, v3.doc]);
    await sleep(100);
    for (const c of [v3, v2]) {
      const kinds = c.received.map((f) => decodeServerFrame(f).kind);
      expect(kinds.filter((k) => !STOCK_KINDS.has(k))).toEqual([]);
      expect(c.received.every((f) => f[0]! < 100)).toBe(true);
    }
  });

  it('acknowledges a subscribed raw client durably, with ackedMessages counting its sync step 2 and update messages, and the acked edits survive a restart', async () => {
    server = await startTestServer();
    const token = await server.login();
    const raw = await RawClient.connect(roomUrl(server.syncUrl, 'acks', token));
    raws.push(raw);
    raw.send(encodeSubscribeAckFrame());
    const src = updateSource(9001);
    raw.send(encodeStep2(Y.encodeStateAsUpdate(new Y.Doc()))); // the empty catch-up a new client sends
    const sent = 5;
    for (let i = 0; i < sent; i++) raw.send(encodeUpdate(src.next(`k${i}`, i)));
    // non-update messages do not count
    raw.send(encodeQueryAwarenessFrame());
    raw.send(encodeStep1(new Uint8Array([0])));

    const final = await raw.nextMessage((m) => m.kind === 'durable-ack' && m.ackedMessages === sent + 1, 0, 3000);
    if (final.kind !== 'durable-ack') throw new Error('unreachable');
    expect(Y.decodeStateVector(final.storedStateVector).get(9001)).toBe(sent);
    const acks = raw.messages().flatMap((m) => (m.kind === 'durable-ack' ? [m.ackedMessages] : []));
    expect(acks).toEqual([...acks].sort((x, y) => x - y)); // monotonic
    expect(new Set(acks).size).toBe(acks.length); // never repeated
    expect(Math.max(...acks)).toBe(sent + 1);

    // another update later gets its own ack
    raw.send(encodeUpdate(src.next('late', true)));
    await raw.nextMessage((m) => m.kind === 'durable-ack' && m.ackedMessages === sent + 2, 0, 3000);

    raw.ws.terminate();
    await server.restart();
    const check = await openStockClient({ syncUrl: server.syncUrl, room: 'acks', token });
    clients.push(check);
    expect(check.doc.getMap('m').toJSON()).toEqual({ ...Object.fromEntries(Array.from({ length: sent }, (_, i) => [`k${i}`, i])), late: true });
  });

  it('sends no durable ack to a raw client that did not subscribe', async () => {
    server = await startTestServer();
    const token = await server.login();
    const raw = await RawClient.connect(roomUrl(server.syncUrl, 'no-sub', token));
    raws.push(raw);
    const observer = await RawClient.connect(roomUrl(server.syncUrl, 'no-sub', token));
    raws.push(observer);
    observer.send(encodeSubscribeAckFrame());
    const src = updateSource(31337);
    for (let i = 0; i < 3; i++) raw.send(encodeUpdate(src.next(`k${i}`, i)));
    raw.send(encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(new awarenessProtocol.Awareness(src.doc), [31337])));
    await observer.nextMessage((m) => m.kind === 'durable-ack', 0, 3000);
    await sleep(100);
    expect(raw.frames.filter((f) => f[0]! >= 100)).toEqual([]);
    expect(raw.messages().every((m) => STOCK_KINDS.has(m.kind))).toBe(true);
  });
});
