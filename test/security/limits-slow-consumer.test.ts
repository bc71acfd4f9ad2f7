import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { RawClient, encodeUpdate, roomUrl } from '../support/raw-client';
import { startTestServer, type TestServer } from '../support/test-server';
import { sleep, until } from '../support/until';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const UPDATES = 160;
const UPDATE_BYTES = 256 * 1024; // 160 × 256 KiB = 40 MiB broadcast to every reader

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Bytes held in ArrayBuffers (socket write queues among them) after a full collection. */
function arrayBufferBytes(): number {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
}

interface CountingReader {
  readonly ws: WebSocket;
  bytes(): number;
  /** Resolves once at least `n` bytes have arrived. */
  reached(n: number): Promise<void>;
}

/** A plain ws client that counts what it receives and keeps nothing. */
async function countingReader(url: string): Promise<CountingReader> {
  const ws = new WebSocket(url);
  let bytes = 0;
  let waiters: Array<{ n: number; resolve: () => void }> = [];
  ws.on('message', (data: Buffer) => {
    bytes += data.byteLength;
    const due = waiters.filter((w) => w.n <= bytes);
    waiters = waiters.filter((w) => w.n > bytes);
    for (const w of due) w.resolve();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    bytes: () => bytes,
    reached: (n) => (bytes >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

/**
 * Sends `UPDATES` large updates, each overwriting one key (the room's document stays small).
 * In lockstep with the readers that keep up: the next update goes out once they have the last
 * one, so only the stalled client falls behind (everything shares this process's event loop).
 */
async function flood(ws: WebSocket, keepingUp: readonly CountingReader[]): Promise<void> {
  const doc = new Y.Doc();
  for (let i = 0; i < UPDATES; i++) {
    const before = Y.encodeStateVector(doc);
    doc.getMap('m').set('k', `${i}:`.padEnd(UPDATE_BYTES, 'x'));
    ws.send(encodeUpdate(Y.encodeStateAsUpdate(doc, before)), { binary: true });
    await Promise.all(keepingUp.map((r) => r.reached((i + 1) * UPDATE_BYTES)));
  }
}

async function scenario(maxBufferedBytes: number) {
  server = await startTestServer({
    // In-process SQLite: the default worker's copies of the updates are freed by the worker's
    // own collector, which this test cannot trigger, and would blur the measurement.
    deps: { openStorage: (config) => SqliteStorage.open({ filename: join(config.dataDir, 'rooms.db') }) },
    config: { maxBufferedBytes, maxMessageBytes: MiB, maxBytesPerSecond: 1024 * MiB, byteBurst: 1024 * MiB, maxMessagesPerSecond: 1_000_000, messageBurst: 1_000_000 },
  });
  const token = await server.login();
  const url = roomUrl(server.syncUrl, 'slow-consumer', token);
  const slow = await RawClient.connect(url);
  // stop reading: the kernel buffers fill, then the server's send queue for this socket grows
  (slow.ws as unknown as { _socket: Socket })._socket.pause();
  const reader = await countingReader(url);
  const flooder = await countingReader(url);
  await until(() => server!.server.sync.connectionCount === 3, 3_000, 'three connections');
  const before = arrayBufferBytes();
  await flood(flooder.ws, [reader, flooder]);
  await server.server.sync.flushAll();
  // Storage and audit release their copies of the updates a moment after the write; what a
  // stalled socket's send queue holds is never released. Lowest growth seen over 3 seconds:
  let grown = Number.POSITIVE_INFINITY;
  for (const deadline = Date.now() + 3_000; Date.now() < deadline && grown > 8 * MiB; await sleep(100)) {
    grown = Math.min(grown, arrayBufferBytes() - before);
  }
  return { slow, reader, flooder, grown };
}

describe('slow consumers', () => {

  it('closes a client that stops reading with 1013 while others flood the room, and the server does not buffer for it without end', async () => {
    const { slow, reader, flooder, grown } = await scenario(MiB);
    expect(server!.server.sync.connectionCount).toBe(2);
    expect(grown).toBeLessThan(8 * MiB); // 40 MiB were broadcast
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    expect(await slow.closed).toEqual({ code: 1013, reason: 'client too slow to keep up' });
    reader.ws.close();
    flooder.ws.close();
  });

  it('buffers everything for the stalled client when the bound is lifted (control: the measurement sees the growth)', async () => {
    const { slow, reader, flooder, grown } = await scenario(1024 * MiB);
    expect(server!.server.sync.connectionCount).toBe(3);
    expect(grown).toBeGreaterThan(25 * MiB);
    slow.ws.terminate();
    reader.ws.close();
    flooder.ws.close();
  });
});
