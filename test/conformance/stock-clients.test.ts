import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../support/test-server';
import { docJson, openStockClient, untilConverged, type StockClient } from '../support/stock-client';
import { decodeServerFrame } from '../support/raw-client';

let server: TestServer | undefined;
const clients: StockClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = undefined;
});

/** Concurrent edits of a map, an array and a text from two clients (neither waits for the other). */
function editConcurrently(a: Y.Doc, b: Y.Doc): void {
  a.transact(() => {
    a.getMap('m').set('from-a', { finding: 'nodule', slice: 12 });
    a.getArray('a').push([1, 2, 3]);
    a.getText('t').insert(0, 'left lung ');
  });
  b.transact(() => {
    b.getMap('m').set('from-b', 'mass');
    b.getMap('m').set('shared', 'b');
    b.getArray('a').insert(0, ['b0']);
    b.getText('t').insert(0, 'right lung ');
  });
  a.getMap('m').set('shared', 'a');
  a.getText('t').delete(0, 5);
  b.getArray('a').delete(0, 1);
}

async function expectFramesOneMessageEach(client: StockClient): Promise<void> {
  expect(client.received.length).toBeGreaterThan(0);
  for (const f of client.received) expect(() => decodeServerFrame(f)).not.toThrow();
}

describe('stock y-websocket clients', () => {
  it('two 3.1 clients with tokens converge on map, array and text edits, and a third client gets the full state from disk after a restart', async () => {
    server = await startTestServer();
    const token = await server.login();
    const a = await openStockClient({ syncUrl: server.syncUrl, room: 'study-1', token });
    const b = await openStockClient({ syncUrl: server.syncUrl, room: 'study-1', token });
    clients.push(a, b);

    editConcurrently(a.doc, b.doc);
    await untilConverged([a.doc, b.doc]);

    const expected = docJson(a.doc);
    expect(Object.keys(expected.m as object).sort()).toEqual(['from-a', 'from-b', 'shared']);
    expect(expected.a).toEqual([1, 2, 3]);
    expect(expected.t).toContain('lung');
    const expectedSv = Y.encodeStateVector(a.doc);
    await expectFramesOneMessageEach(a);
    await expectFramesOneMessageEach(b);

    for (const c of clients.splice(0)) c.destroy();
    await server.restart();
    expect(server.server.sync.roomCount).toBe(0);

    const c = await openStockClient({ syncUrl: server.syncUrl, room: 'study-1', token });
    clients.push(c);
    await untilConverged([c.doc], 1000);
    await expect.poll(() => docJson(c.doc), { timeout: 3000 }).toEqual(expected);
    expect(Y.encodeStateVector(c.doc)).toEqual(expectedSv);
  });

  it('a y-websocket 2.1 client and a 3.1 client converge, and a fresh 2.1 client receives the full state after a restart', async () => {
    server = await startTestServer();
    const token = await server.login();
    const v2 = await openStockClient({ syncUrl: server.syncUrl, room: 'mixed', token, version: 2 });
    const v3 = await openStockClient({ syncUrl: server.syncUrl, room: 'mixed', token, version: 3 });
    clients.push(v2, v3);

    editConcurrently(v2.doc, v3.doc);
    await untilConverged([v2.doc, v3.doc]);
    // more rounds, each waiting for the other side, so both directions carry incremental updates
    for (let i = 0; i < 20; i++) {
      const writer = i % 2 === 0 ? v2 : v3;
      writer.doc.getArray('a').push([`round-${i}`]);
      await untilConverged([v2.doc, v3.doc]);
    }
    const expected = docJson(v3.doc);
    expect((expected.a as unknown[]).filter((x) => String(x).startsWith('round-'))).toHaveLength(20);
    const expectedSv = Y.encodeStateVector(v3.doc);
    await expectFramesOneMessageEach(v2);

    for (const c of clients.splice(0)) c.destroy();
    await server.restart();
    const fresh = await openStockClient({ syncUrl: server.syncUrl, room: 'mixed', token, version: 2 });
    clients.push(fresh);
    await expect.poll(() => docJson(fresh.doc), { timeout: 3000 }).toEqual(expected);
    expect(Y.encodeStateVector(fresh.doc)).toEqual(expectedSv);
  });

  it('a client that reconnects after a restart sends the edits it made offline and both clients converge', async () => {
    server = await startTestServer();
    const token = await server.login();
    const a = await openStockClient({ syncUrl: server.syncUrl, room: 'offline', token });
    a.doc.getMap('m').set('before', 1);
    const doc = a.doc;
    await new Promise((r) => setTimeout(r, 50));
    a.provider.disconnect();
    doc.getMap('m').set('offline', 2);
    await server.restart();
    // same doc, new provider on the new port
    a.provider.destroy();
    const again = await openStockClient({ syncUrl: server.syncUrl, room: 'offline', token, doc });
    const other = await openStockClient({ syncUrl: server.syncUrl, room: 'offline', token });
    clients.push(again, other);
    await untilConverged([again.doc, other.doc]);
    expect(docJson(other.doc).m).toEqual({ before: 1, offline: 2 });
  });
});
