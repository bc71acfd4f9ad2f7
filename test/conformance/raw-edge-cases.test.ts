import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../support/test-server';
import { docJson, openStockClient, untilConverged, type StockClient } from '../support/stock-client';
import { RawClient, encodeStep1, encodeStep2, encodeUpdate, roomUrl } from '../support/raw-client';
import { sleep, until } from '../support/until';

let server: TestServer | undefined;
const clients: StockClient[] = [];
const raws: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const r of raws.splice(0)) r.ws.terminate();
  await server?.close();
  server = undefined;
});

async function raw(room: string, token: string): Promise<RawClient> {
  const c = await RawClient.connect(roomUrl(server!.syncUrl, room, token));
  raws.push(c);
  return c;
}

/** Applies every sync step 2 / update a raw client received to a fresh doc. */
function docFromFrames(client: RawClient): Y.Doc {
  const doc = new Y.Doc();
  for (const m of client.messages()) if (m.kind === 'sync-step2' || m.kind === 'sync-update') Y.applyUpdate(doc, m.update);
  return doc;
}

const updatesSeen = (c: RawClient) => c.messages().filter((m) => m.kind === 'sync-update').length;

describe('raw protocol edge cases', () => {
  it('answers sync step 1 with an empty state vector ([0]) with the full document as step 2', async () => {
    server = await startTestServer();
    const token = await server.login();
    const writer = await openStockClient({ syncUrl: server.syncUrl, room: 'sv', token });
    clients.push(writer);
    writer.doc.getText('t').insert(0, 'report');
    writer.doc.getArray('a').push([{ box: [1, 2, 3, 4] }]);
    const c = await raw('sv', token);
    const before = c.frames.length;
    c.send(encodeStep1(new Uint8Array([0])));
    const reply = await c.nextMessage((m) => m.kind === 'sync-step2', before);
    if (reply.kind !== 'sync-step2') throw new Error('unreachable');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, reply.update);
    await untilConverged([doc, writer.doc]);
    expect(docJson(doc).t).toBe('report');
  });

  it('closes a connection whose sync step 1 has a zero-length state vector with 4000 and a reason, and the room keeps working', async () => {
    server = await startTestServer();
    const token = await server.login();
    const c = await raw('sv0', token);
    c.send(encodeStep1(new Uint8Array(0)));
    const closed = await c.closed;
    expect(closed.code).toBe(4000);
    expect(closed.reason).not.toBe('');
    const ok = await openStockClient({ syncUrl: server.syncUrl, room: 'sv0', token });
    clients.push(ok);
  });

  it('accepts a sync step 2 that adds nothing without broadcasting it or closing the sender', async () => {
    server = await startTestServer();
    const token = await server.login();
    const writer = await openStockClient({ syncUrl: server.syncUrl, room: 'noop', token });
    clients.push(writer);
    writer.doc.getMap('m').set('k', 'v');
    const observer = await raw('noop', token);
    const sender = await raw('noop', token);
    sender.send(encodeStep1(new Uint8Array([0])));
    const full = await sender.nextMessage((m) => m.kind === 'sync-step2');
    if (full.kind !== 'sync-step2') throw new Error('unreachable');
    const svBefore = Y.encodeStateVector(writer.doc);
    const observed = updatesSeen(observer);
    const writerFrames = writer.received.length;

    sender.send(encodeStep2(full.update)); // everything the room already has
    sender.send(encodeStep2(Y.encodeStateAsUpdate(new Y.Doc()))); // an empty doc's step 2
    await sleep(200);
    expect(sender.closeInfo).toBeNull();
    expect(updatesSeen(observer)).toBe(observed);
    expect(writer.received.length).toBe(writerFrames);
    expect(Y.encodeStateVector(writer.doc)).toEqual(svBefore);

    // the connection still works afterwards
    const other = new Y.Doc();
    Y.applyUpdate(other, full.update);
    let change: Uint8Array | undefined;
    other.on('update', (u: Uint8Array) => (change = u));
    other.getMap('m').set('after', 1);
    sender.send(encodeUpdate(change!));
    await until(() => writer.doc.getMap('m').get('after') === 1, 3000, 'the later update to arrive');
  });

  it("applies and broadcasts an update sent before sync step 1 and before the server's greeting was read", async () => {
    server = await startTestServer();
    const token = await server.login();
    const src = new Y.Doc();
    const updates: Uint8Array[] = [];
    src.on('update', (u: Uint8Array) => updates.push(u));
    src.getMap('m').set('early', 'bird');
    // send on 'open' synchronously, before the server's greeting was read and before any step 1
    const early = await new Promise<RawClient>((resolve, reject) => {
      RawClient.connect(roomUrl(server!.syncUrl, 'early', token)).then((c) => {
        c.send(encodeUpdate(updates[0]!));
        raws.push(c);
        resolve(c);
      }, reject);
    });
    const reader = await openStockClient({ syncUrl: server.syncUrl, room: 'early', token });
    clients.push(reader);
    await until(() => reader.doc.getMap('m').get('early') === 'bird', 3000, 'the early update to reach a later client');
    // and the early client's own step 1 afterwards is answered with a state including its update
    const before = early.frames.length;
    early.send(encodeStep1(new Uint8Array([0])));
    const reply = await early.nextMessage((m) => m.kind === 'sync-step2', before);
    if (reply.kind !== 'sync-step2') throw new Error('unreachable');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, reply.update);
    expect(doc.getMap('m').get('early')).toBe('bird');
    expect(early.closeInfo).toBeNull();
  });

  it('keeps several rooms on one server apart', async () => {
    server = await startTestServer();
    const token = await server.login();
    const rooms = ['room-a', 'room-b', 'room-c'];
    const writers = await Promise.all(rooms.map((room) => openStockClient({ syncUrl: server!.syncUrl, room, token })));
    clients.push(...writers);
    const observers = await Promise.all(rooms.map((room) => raw(room, token)));
    writers.forEach((w, i) => w.doc.getMap('m').set('room', rooms[i]));
    await Promise.all(observers.map((o) => until(() => updatesSeen(o) >= 1, 3000, 'own room update')));
    await sleep(100);
    observers.forEach((o, i) => {
      expect(updatesSeen(o)).toBe(1);
      expect(docFromFrames(o).getMap('m').toJSON()).toEqual({ room: rooms[i] });
    });
    for (const w of writers) w.destroy();
    await server.restart();
    for (const room of rooms) {
      const fresh = await openStockClient({ syncUrl: server.syncUrl, room, token });
      clients.push(fresh);
      expect(fresh.doc.getMap('m').toJSON()).toEqual({ room });
    }
  });

  it('treats a percent-encoded room name with spaces and unicode as the same room a stock client names raw, and keeps it across a restart', async () => {
    server = await startTestServer();
    const token = await server.login();
    const name = 'CT thorax 2024 – Müller 🫁 #1?x=y/z';
    // stock client: the provider puts the name into the URL; it has to be encoded by the app for ?, # and /
    const stock = await openStockClient({ syncUrl: server.syncUrl, room: encodeURIComponent(name), token });
    clients.push(stock);
    // a raw stock-style URL with literal spaces and unicode (no encoding by the app) for a simpler name
    const simple = 'Brust Röntgen ü 🩻';
    const stockSimple = await openStockClient({ syncUrl: server.syncUrl, room: simple, token });
    clients.push(stockSimple);
    expect(server.server.sync.roomState(name)).toBe('active');
    expect(server.server.sync.roomState(simple)).toBe('active');

    const r = await raw(name, token); // roomUrl percent-encodes
    const r2 = await raw(simple, token);
    stock.doc.getMap('m').set('who', 'stock');
    stockSimple.doc.getMap('m').set('who', 'simple');
    await until(() => docFromFrames(r).getMap('m').get('who') === 'stock', 3000, 'raw client to share the room');
    await until(() => docFromFrames(r2).getMap('m').get('who') === 'simple', 3000, 'raw client to share the simple room');
    expect(server.server.sync.roomCount).toBe(2);

    for (const c of clients.splice(0)) c.destroy();
    for (const c of raws.splice(0)) c.ws.terminate();
    await server.restart();
    const again = await openStockClient({ syncUrl: server.syncUrl, room: encodeURIComponent(name), token });
    clients.push(again);
    expect(again.doc.getMap('m').toJSON()).toEqual({ who: 'stock' });
  });
});
