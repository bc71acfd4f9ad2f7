import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { startTestServer, type TestServer } from '../support/test-server';
import { openStockClient } from '../support/stock-client';
import { RawClient, roomUrl } from '../support/raw-client';
import { until } from '../support/until';

// A peer that vanishes without closing (network cut, laptop lid) must be reaped by keepalive
// pings, and its presence removed from the others.
let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ config: { pingIntervalMs: 150 } });
  token = await server.login();
});
afterAll(() => server?.close());

describe('keepalive', () => {
  it('terminates a connection that stops answering pings and removes its awareness from the others', async () => {
    const watcher = await openStockClient({ syncUrl: server.syncUrl, room: 'keepalive', token });
    const dead = await RawClient.connect(roomUrl(server.syncUrl, 'keepalive', token));
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    const deadClientId = awareness.clientID;
    awareness.setLocalState({ user: 'ghost' });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [deadClientId]));
    dead.ws.send(encoding.toUint8Array(e));
    await until(() => watcher.provider.awareness.getStates().has(deadClientId), 5000);
    const connectionsBefore = server.server.sync.connectionCount;

    // Stop reading from the socket: pings are no longer answered, nothing is closed cleanly.
    (dead.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const start = Date.now();
    await until(() => server.server.sync.connectionCount === connectionsBefore - 1, 5000);
    const reapedAfter = Date.now() - start;
    await until(() => !watcher.provider.awareness.getStates().has(deadClientId), 5000);
    // The healthy client, answering pings all along, stays connected.
    expect(watcher.provider.wsconnected).toBe(true);
    expect(reapedAfter).toBeLessThan(5000);
    awareness.destroy();
    watcher.destroy();
  });
});
