import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { encodeSyncStep1, encodeSyncUpdate } from '@readingroom/protocol';
import { createTokenService } from './auth/tokens';
import { startServer, type RunningServer } from './server';

const ADMIN_PASSWORD = 'admin-password-1';
const running: RunningServer[] = [];

async function start(dataDir = mkdtempSync(join(tmpdir(), 'rr-server-')), extra: Record<string, unknown> = {}) {
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', adminPassword: ADMIN_PASSWORD, ...extra },
    { announce: () => {} },
  );
  running.push(server);
  return { server, dataDir };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function login(server: RunningServer, username = 'admin', password = ADMIN_PASSWORD) {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgradeStatus(url: string, protocols?: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => {
      if (!String(err.message).includes('Unexpected server response')) reject(err);
    });
  });
}

function open(url: string, protocols?: string[], options?: { autoPong?: boolean }) {
  return new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const closed = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
const wsUrl = (server: RunningServer, room: string) => `${server.url.replace('http', 'ws')}/sync/${encodeURIComponent(room)}`;

describe('startServer', () => {
  it('serves liveness, readiness and metrics on a random port', async () => {
    const { server } = await start();
    expect(server.port).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('readingroom_connections');
  });

  it('creates the first admin from the configured password and serves /api/me for its token', async () => {
    const { server } = await start();
    const token = await login(server);
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ username: 'admin', isAdmin: true });
  });

  it('refuses upgrades without, with forged and with expired tokens before loading any room', async () => {
    const { server, dataDir } = await start();
    const secret = readFileSync(join(dataDir, 'token-secret'), 'utf8').trim();
    const forged = await createTokenService({ secret: 'f'.repeat(40), ttlSeconds: 3600 }).issueToken({ id: 'x', username: 'admin' });
    const meId = ((await (await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${await login(server)}` } })).json()) as { id: string }).id;
    const expired = await createTokenService({ secret, ttlSeconds: 60, now: () => Date.now() - 3_600_000 }).issueToken({ id: meId, username: 'admin' });

    expect(await upgradeStatus(wsUrl(server, 'study-1'))).toBe(401);
    expect(await upgradeStatus(`${wsUrl(server, 'study-1')}?token=${forged.token}`)).toBe(401);
    expect(await upgradeStatus(`${wsUrl(server, 'study-1')}?token=${expired.token}`)).toBe(401);
    expect(await upgradeStatus(wsUrl(server, 'study-1'), [`readingroom.token.${expired.token}`])).toBe(401);
    expect(server.sync.roomCount).toBe(0);
    expect(server.sync.connectionCount).toBe(0);
  });

  it('refuses malformed sync paths with 400 and other paths with 404', async () => {
    const { server } = await start();
    const token = await login(server);
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/sync/?token=${token}`)).toBe(400);
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/sync/${'r'.repeat(300)}?token=${token}`)).toBe(400);
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/elsewhere?token=${token}`)).toBe(404);
  });

  it('opens a sync connection for a valid token, by query or by subprotocol', async () => {
    const { server } = await start();
    const token = await login(server);
    const byQuery = await open(`${wsUrl(server, 'study-1')}?token=${token}`);
    const byProtocol = await open(wsUrl(server, 'study-1'), ['readingroom', `readingroom.token.${token}`]);
    expect(byProtocol.protocol).toBe('readingroom');
    await expect.poll(() => server.sync.connectionCount).toBe(2);
    expect(server.sync.roomCount).toBe(1);
    byQuery.close();
    byProtocol.close();
    await expect.poll(() => server.sync.connectionCount).toBe(0);
  });

  it('closes a connection that sends a text frame with 4000', async () => {
    const { server } = await start();
    const ws = await open(`${wsUrl(server, 'r')}?token=${await login(server)}`);
    const done = closed(ws);
    ws.send('hello');
    expect(await done).toEqual({ code: 4000, reason: 'text frames are not supported' });
  });

  it('closes a connection that sends a frame above maxMessageBytes', async () => {
    const { server } = await start(undefined, { maxMessageBytes: 1024 });
    const ws = await open(`${wsUrl(server, 'r')}?token=${await login(server)}`);
    const done = closed(ws);
    ws.send(new Uint8Array(4096));
    expect((await done).code).toBe(1009);
  });

  it('terminates a socket that stops answering pings', async () => {
    const { server } = await start(undefined, { pingIntervalMs: 50 });
    const ws = await open(`${wsUrl(server, 'r')}?token=${await login(server)}`, undefined, { autoPong: false });
    expect((await closed(ws)).code).toBe(1006);
    await expect.poll(() => server.sync.connectionCount).toBe(0);
  });

  it('keeps a socket that answers pings', async () => {
    const { server } = await start(undefined, { pingIntervalMs: 50 });
    const ws = await open(`${wsUrl(server, 'r')}?token=${await login(server)}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('on close, tells clients 1012, stops listening, and keeps written updates for the next start', async () => {
    const { server, dataDir } = await start();
    const ws = await open(`${wsUrl(server, 'study-9')}?token=${await login(server)}`);
    const doc = new Y.Doc();
    doc.getMap('boxes').set('b1', 'lesion');
    ws.send(encodeSyncUpdate(Y.encodeStateAsUpdate(doc)));
    await expect.poll(async () => (await (await fetch(`${server.url}/metrics`)).text()).includes('readingroom_updates_applied_total 1')).toBe(true);

    const done = closed(ws);
    await server.close();
    expect((await done).code).toBe(1012);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    const { server: again } = await start(dataDir);
    const reader = await open(`${wsUrl(again, 'study-9')}?token=${await login(again)}`);
    const copy = new Y.Doc();
    reader.on('message', (data: Buffer) => {
      const frame = new Uint8Array(data);
      const decoder = decoding.createDecoder(frame);
      if (decoding.readVarUint(decoder) !== 0) return; // not a sync message
      if (decoding.readVarUint(decoder) === 0) return; // a step 1 from the server
      Y.applyUpdate(copy, decoding.readVarUint8Array(decoder));
    });
    reader.send(encodeSyncStep1(Y.encodeStateVector(copy)));
    await expect.poll(() => copy.getMap('boxes').get('b1')).toBe('lesion');
    reader.close();
  });
});
