import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteTokenStore } from '../../apps/server/src/auth/sqlite-token-store';
import { changePassword } from '../../apps/server/src/cli/user-commands';
import { SqliteUserStore } from '../../apps/server/src/users/sqlite-user-store';
import { jwtPayload, sessionClaims, signJwt } from '../support/jwt';
import { RawClient, roomUrl } from '../support/raw-client';
import { ADMIN_PASSWORD, TOKEN_SECRET, login, startTestServer, type TestServer } from '../support/test-server';
import { sleep, until } from '../support/until';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (path: string, token: string) =>
  fetch(`${server!.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
const me = (token: string) => fetch(`${server!.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
const syncUrl = (token: string) => roomUrl(server!.syncUrl, 'lifecycle', token);

describe('token refresh', () => {
  it('exchanges a valid token for a new one and revokes the old one for HTTP and WebSocket', async () => {
    server = await startTestServer();
    const old = await server.login();
    const res = await post('/api/auth/refresh', old);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expiresAt: string };
    expect(body.token).not.toBe(old);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    expect(jwtPayload(body.token).jti).not.toBe(jwtPayload(old).jti);
    expect((await me(body.token)).status).toBe(200);
    expect((await me(old)).status).toBe(401);
    expect(await RawClient.refusedStatus(syncUrl(old))).toBe(401);
    expect((await post('/api/auth/refresh', old)).status).toBe(401);
    const fresh = await RawClient.connect(syncUrl(body.token));
    await fresh.close();
  });

  it('does not refresh an expired token', async () => {
    server = await startTestServer();
    const { sub } = jwtPayload(await server.login());
    const expired = signJwt(TOKEN_SECRET, { ...sessionClaims(String(sub), 'admin', Math.floor(Date.now() / 1000) - 5), gen: 0 });
    expect((await post('/api/auth/refresh', expired)).status).toBe(401);
    // the same claims, not yet expired, are refreshed: it is the expiry that was refused
    const valid = signJwt(TOKEN_SECRET, { ...sessionClaims(String(sub), 'admin', Math.floor(Date.now() / 1000) + 600), gen: 0 });
    expect((await post('/api/auth/refresh', valid)).status).toBe(200);
  });
});

describe('logout', () => {
  it('revokes the token and closes its open WebSocket connections with 4401, leaving other sessions open', async () => {
    server = await startTestServer();
    const a = await server.login();
    const b = await server.login();
    const socketA = await RawClient.connect(syncUrl(a));
    const socketB = await RawClient.connect(syncUrl(b));
    const res = await post('/api/auth/logout', a);
    expect(res.status).toBe(204);
    expect(await socketA.closed).toEqual({ code: 4401, reason: 'token revoked' });
    expect((await me(a)).status).toBe(401);
    expect(await RawClient.refusedStatus(syncUrl(a))).toBe(401);
    expect((await post('/api/auth/logout', a)).status).toBe(401);
    await sleep(100);
    expect(socketB.closeInfo).toBeNull();
    expect((await me(b)).status).toBe(200);
    await socketB.close();
  });

  it('keeps a token revoked across a restart', async () => {
    server = await startTestServer();
    const token = await server.login();
    expect((await post('/api/auth/logout', token)).status).toBe(204);
    await server.restart();
    expect((await me(token)).status).toBe(401);
    expect((await me(await server.login())).status).toBe(200);
  });

  it('forgets a revocation once the token has expired anyway', async () => {
    server = await startTestServer({ config: { tokenTtl: 1, sessionCheckIntervalMs: 100 } });
    const token = await server.login();
    const jti = String(jwtPayload(token).jti);
    expect((await post('/api/auth/logout', token)).status).toBe(204);
    const store = SqliteTokenStore.open({ filename: join(server.dataDir, 'readingroom.db') });
    try {
      expect(await store.isRevoked(jti)).toBe(true);
      await until(async () => !(await store.isRevoked(jti)), 5_000, 'the expired revocation to be pruned');
    } finally {
      await store.close();
    }
  });
});

describe('password change', () => {
  it('revokes every token of the user, also when changed by the CLI next to the running server, and closes their sockets', async () => {
    server = await startTestServer({ config: { sessionCheckIntervalMs: 100 } });
    const first = await server.login();
    const second = await server.login();
    const socket = await RawClient.connect(syncUrl(first));
    // `readingroom user passwd admin` opens its own connection to readingroom.db
    const users = SqliteUserStore.open({ filename: join(server.dataDir, 'readingroom.db') });
    try {
      await changePassword(users, 'admin', { password: 'a-new-password-2' }, { stdout: () => {}, stderr: () => {}, env: {} });
    } finally {
      await users.close();
    }
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(401);
    expect(await socket.closed).toEqual({ code: 4401, reason: 'session revoked' });
    await expect(login(server.url, 'admin', ADMIN_PASSWORD)).rejects.toThrow(/401/);
    const fresh = await login(server.url, 'admin', 'a-new-password-2');
    expect((await me(fresh)).status).toBe(200);
    const again = await RawClient.connect(syncUrl(fresh));
    await again.close();
  });
});
