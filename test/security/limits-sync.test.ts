import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hashPassword } from '../../apps/server/src/users/password';
import { SqliteUserStore } from '../../apps/server/src/users/sqlite-user-store';
import {
  RawClient,
  encodeQueryAwarenessFrame,
  encodeStep1,
  encodeSubscribeAckFrame,
  encodeUpdate,
  roomUrl,
} from '../support/raw-client';
import { startTestServer, type TestServer } from '../support/test-server';
import { sleep, until } from '../support/until';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KiB = 1024;

/** A Yjs update from a fresh client setting `m[key]` to `bytes` characters. */
function bigUpdate(key: string, bytes: number): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('m').set(key, 'x'.repeat(bytes));
  return Y.encodeStateAsUpdate(doc);
}

async function synced(url: string): Promise<RawClient> {
  const client = await RawClient.connect(url);
  client.send(encodeSubscribeAckFrame());
  client.send(encodeStep1(new Uint8Array([0])));
  await client.nextMessage((m) => m.kind === 'sync-step2');
  return client;
}

describe('per-connection message rate', () => {
  it('closes a connection that sends faster than the message rate with 4005', async () => {
    server = await startTestServer({ config: { maxMessagesPerSecond: 20, messageBurst: 40 } });
    const token = await server.login();
    const flooder = await RawClient.connect(roomUrl(server.syncUrl, 'rate', token));
    for (let i = 0; i < 200; i++) flooder.send(encodeQueryAwarenessFrame());
    expect(await flooder.closed).toEqual({ code: 4005, reason: 'rate limited' });
    // about the burst was answered (one awareness reply per query; the bucket refills while we send)
    expect(flooder.frames.filter((f) => f[0] === 1).length).toBeLessThanOrEqual(45);
  });

  it('keeps a connection that stays under the rate open (control)', async () => {
    server = await startTestServer({ config: { maxMessagesPerSecond: 20, messageBurst: 40 } });
    const token = await server.login();
    const client = await RawClient.connect(roomUrl(server.syncUrl, 'rate', token));
    for (let i = 0; i < 60; i++) {
      client.send(encodeQueryAwarenessFrame());
      await sleep(60); // ~16 per second
    }
    await sleep(100);
    expect(client.closeInfo).toBeNull();
    await client.close();
  });

  it('closes a connection that sends more bytes per second than allowed with 4005, and applies nothing past the limit', async () => {
    server = await startTestServer({ config: { maxBytesPerSecond: 16 * KiB, byteBurst: 32 * KiB, maxMessageBytes: 32 * KiB } });
    const token = await server.login();
    const url = roomUrl(server.syncUrl, 'bytes', token);
    const client = await synced(url);
    for (let i = 0; i < 6; i++) client.send(encodeUpdate(bigUpdate(`k${i}`, 10 * KiB)));
    expect(await client.closed).toEqual({ code: 4005, reason: 'rate limited' });
    const reader = await synced(url);
    const state = reader.messages().find((m) => m.kind === 'sync-step2');
    const doc = new Y.Doc();
    if (state?.kind === 'sync-step2') Y.applyUpdate(doc, state.update);
    const keys = [...doc.getMap('m').keys()];
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.length).toBeLessThanOrEqual(3); // 32 KiB burst: three 10 KiB updates
    await reader.close();
  });
});

describe('connections per user', () => {
  it('answers upgrades beyond the per-user limit with 429 before upgrading, counts per user, and frees a slot on close', async () => {
    server = await startTestServer({ config: { maxConnectionsPerUser: 3 } });
    const token = await server.login();
    const users = SqliteUserStore.open({ filename: join(server.dataDir, 'readingroom.db') });
    await users.create({ username: 'second-admin', passwordHash: await hashPassword('second-admin-1'), isAdmin: true });
    await users.close();
    const other = await server.login('second-admin', 'second-admin-1');
    const url = roomUrl(server.syncUrl, 'slots', token);
    const open = [await RawClient.connect(url), await RawClient.connect(url), await RawClient.connect(url)];
    expect(await RawClient.refusedStatus(url)).toBe(429);
    expect(await RawClient.refusedStatus(roomUrl(server.syncUrl, 'another-room', token))).toBe(429);
    expect(server.server.sync.connectionCount).toBe(3);
    const theirs = await RawClient.connect(roomUrl(server.syncUrl, 'slots', other));
    await open[0]!.close();
    await until(async () => {
      try {
        open.push(await RawClient.connect(url));
        return true;
      } catch {
        return false;
      }
    }, 3_000, 'a slot to be freed');
    expect(await RawClient.refusedStatus(url)).toBe(429);
    for (const c of [...open.slice(1), theirs]) await c.close();
  });
});

describe('document size', () => {
  it('refuses updates that would take a room past maxDocumentBytes, keeps it readable and writable below, also after a restart', async () => {
    server = await startTestServer({ config: { maxDocumentBytes: 64 * KiB } });
    let token = await server.login();
    let client = await synced(roomUrl(server.syncUrl, 'big-doc', token));
    for (let i = 0; i < 3; i++) client.send(encodeUpdate(bigUpdate(`chunk${i}`, 20 * KiB)));
    client.send(encodeUpdate(bigUpdate('chunk3', 20 * KiB)));
    const refused = await client.nextMessage((m) => m.kind === 'rejection');
    expect(refused).toMatchObject({ kind: 'rejection', code: 'document_too_large' });
    expect(client.messages().some((m) => m.kind === 'permission-denied' && m.reason.startsWith('document_too_large'))).toBe(true);
    client.send(encodeUpdate(bigUpdate('small', 100)));
    await client.nextMessage((m) => m.kind === 'durable-ack' && m.ackedMessages >= 5);
    expect(client.closeInfo).toBeNull();
    await client.close();

    await server.restart();
    token = await server.login();
    client = await synced(roomUrl(server.syncUrl, 'big-doc', token));
    const step2 = client.messages().find((m) => m.kind === 'sync-step2');
    const doc = new Y.Doc();
    if (step2?.kind === 'sync-step2') Y.applyUpdate(doc, step2.update);
    expect([...doc.getMap('m').keys()].sort()).toEqual(['chunk0', 'chunk1', 'chunk2', 'small']);
    expect(server.server.sync.roomStoredBytes('big-doc')).toBeGreaterThan(60 * KiB);
    client.send(encodeUpdate(bigUpdate('chunk4', 20 * KiB)));
    expect(await client.nextMessage((m) => m.kind === 'rejection')).toMatchObject({ code: 'document_too_large' });
    await client.close();
  });
});
