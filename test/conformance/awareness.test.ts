import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { startTestServer, type TestServer } from '../support/test-server';
import { openStockClient, type StockClient } from '../support/stock-client';
import { RawClient, awarenessStatesFrom, decodeServerFrame, encodeAwarenessFrame, encodeQueryAwarenessFrame, roomUrl } from '../support/raw-client';
import { until } from '../support/until';

let server: TestServer | undefined;
const clients: StockClient[] = [];
const raws: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const r of raws.splice(0)) r.ws.terminate();
  await server?.close();
  server = undefined;
});

/** An awareness update announcing `state` for a made-up client id, built with y-protocols. */
function awarenessUpdateFor(clientId: number, state: Record<string, unknown>): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(state);
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  doc.destroy();
  return update;
}

describe('awareness', () => {
  it("delivers one stock client's awareness state to the other", async () => {
    server = await startTestServer();
    const token = await server.login();
    const a = await openStockClient({ syncUrl: server.syncUrl, room: 'aw', token });
    const b = await openStockClient({ syncUrl: server.syncUrl, room: 'aw', token });
    clients.push(a, b);
    a.provider.awareness.setLocalStateField('user', { name: 'Dr A', viewport: { slice: 7 } });
    await until(() => b.provider.awareness.getStates().has(a.doc.clientID), 3000, 'b to see a');
    expect(b.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { name: 'Dr A', viewport: { slice: 7 } } });
  });

  it('removes a client from the others when its socket drops without a goodbye', async () => {
    server = await startTestServer();
    const token = await server.login();
    const b = await openStockClient({ syncUrl: server.syncUrl, room: 'aw-drop', token });
    clients.push(b);
    const raw = await RawClient.connect(roomUrl(server.syncUrl, 'aw-drop', token));
    raws.push(raw);
    raw.send(encodeAwarenessFrame(awarenessUpdateFor(424242, { user: 'raw' })));
    await until(() => b.provider.awareness.getStates().has(424242), 3000, 'b to see the raw client');
    raw.ws.terminate(); // TCP drop: no null-state message, no close frame
    await until(() => !b.provider.awareness.getStates().has(424242), 3000, 'the dropped client to be removed from b');
  });

  it('removes a client from the others when its socket closes normally without clearing its state', async () => {
    server = await startTestServer();
    const token = await server.login();
    const b = await openStockClient({ syncUrl: server.syncUrl, room: 'aw-close', token });
    clients.push(b);
    const raw = await RawClient.connect(roomUrl(server.syncUrl, 'aw-close', token));
    raws.push(raw);
    raw.send(encodeAwarenessFrame(awarenessUpdateFor(515151, { user: 'raw' })));
    await until(() => b.provider.awareness.getStates().has(515151), 3000, 'b to see the raw client');
    await raw.close();
    await until(() => !b.provider.awareness.getStates().has(515151), 3000, 'the closed client to be removed from b');
  });

  it('answers query-awareness (type 3) with the full awareness state of the room', async () => {
    server = await startTestServer();
    const token = await server.login();
    const a = await openStockClient({ syncUrl: server.syncUrl, room: 'aw-query', token });
    const b = await openStockClient({ syncUrl: server.syncUrl, room: 'aw-query', token });
    clients.push(a, b);
    a.provider.awareness.setLocalState({ user: 'a' });
    b.provider.awareness.setLocalState({ user: 'b' });
    await until(() => a.provider.awareness.getStates().size === 2 && b.provider.awareness.getStates().size === 2, 3000, 'both states known');

    const raw = await RawClient.connect(roomUrl(server.syncUrl, 'aw-query', token));
    raws.push(raw);
    await raw.waitFor((f) => f.length >= 1, 3000, 'greeting');
    const before = raw.frames.length;
    raw.send(encodeQueryAwarenessFrame());
    const answer = await raw.nextMessage((m) => m.kind === 'awareness', before);
    if (answer.kind !== 'awareness') throw new Error('unreachable');
    const byId = new Map(answer.entries.map((e) => [e.clientId, e.state]));
    expect(byId.get(a.doc.clientID)).toEqual({ user: 'a' });
    expect(byId.get(b.doc.clientID)).toEqual({ user: 'b' });
    expect(answer.entries).toHaveLength(2);
    // and what the raw client learnt overall agrees
    expect(awarenessStatesFrom(raw.frames).get(a.doc.clientID)).toEqual({ user: 'a' });
    for (const f of raw.frames) decodeServerFrame(f);
  });
});
