import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoginEvent } from '../../apps/server/src/auth/login-event';
import { hashPassword } from '../../apps/server/src/users/password';
import { SqliteUserStore } from '../../apps/server/src/users/sqlite-user-store';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/test-server';
import { sleep } from '../support/until';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const attempt = (username: string, password: string) =>
  fetch(`${server!.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

async function addUser(username: string, password: string): Promise<string> {
  const users = SqliteUserStore.open({ filename: join(server!.dataDir, 'readingroom.db') });
  try {
    return (await users.create({ username, passwordHash: await hashPassword(password), isAdmin: false })).id;
  } finally {
    await users.close();
  }
}

describe('login throttling', () => {
  it('locks a username out after 5 failures with 429 and Retry-After, even for the right password, and not other users', async () => {
    server = await startTestServer();
    await addUser('ada', 'ada-password-1');
    for (let i = 0; i < 5; i++) expect((await attempt('admin', `wrong-${i}`)).status).toBe(401);
    const locked = await attempt('admin', ADMIN_PASSWORD);
    expect(locked.status).toBe(429);
    expect(await locked.json()).toEqual({ error: { code: 'too_many_attempts', message: expect.any(String) } });
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await attempt('ada', 'ada-password-1')).status).toBe(200);
  });

  it('lets the user in again once the lockout has passed', async () => {
    server = await startTestServer({ config: { loginMaxFailures: 2, loginLockout: 2 } });
    expect((await attempt('admin', 'wrong-1')).status).toBe(401);
    expect((await attempt('admin', 'wrong-2')).status).toBe(401);
    expect((await attempt('admin', ADMIN_PASSWORD)).status).toBe(429);
    await sleep(2_100);
    expect((await attempt('admin', ADMIN_PASSWORD)).status).toBe(200);
  });

  it('locks out unknown usernames the same way, so the answer does not tell which exist', async () => {
    server = await startTestServer({ config: { loginMaxFailures: 3 } });
    for (const name of ['admin', 'nobody-here']) {
      for (let i = 0; i < 3; i++) expect((await attempt(name, 'wrong-password')).status).toBe(401);
      expect((await attempt(name, 'wrong-password')).status).toBe(429);
    }
  });

  it('locks out a client address that tries many usernames', async () => {
    server = await startTestServer({ config: { loginMaxFailuresPerIp: 4 } });
    for (let i = 0; i < 4; i++) expect((await attempt(`user-${i}`, 'wrong-password')).status).toBe(401);
    expect((await attempt('admin', ADMIN_PASSWORD)).status).toBe(429);
  });

  it('checks no more than the allowed number of guesses when they arrive all at once', async () => {
    server = await startTestServer();
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt('admin', `parallel-guess-${i}`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });
});

describe('login listener', () => {
  it('reports every attempt with username, user id, outcome, reason and address', async () => {
    const events: LoginEvent[] = [];
    server = await startTestServer({ config: { loginMaxFailures: 2 }, deps: { onLogin: (e) => events.push(e) } });
    const adaId = await addUser('ada', 'ada-password-1');
    expect((await attempt('ada', 'ada-password-1')).status).toBe(200);
    expect((await attempt('ada', 'wrong')).status).toBe(401);
    expect((await attempt('ghost', 'wrong')).status).toBe(401);
    expect((await attempt('ada', 'wrong')).status).toBe(401);
    expect((await attempt('ada', 'ada-password-1')).status).toBe(429);
    expect(events.map(({ ok, username, userId, reason }) => ({ ok, username, userId, reason }))).toEqual([
      { ok: true, username: 'ada', userId: adaId, reason: undefined },
      { ok: false, username: 'ada', userId: adaId, reason: 'invalid_credentials' },
      { ok: false, username: 'ghost', userId: null, reason: 'invalid_credentials' },
      { ok: false, username: 'ada', userId: adaId, reason: 'invalid_credentials' },
      { ok: false, username: 'ada', userId: null, reason: 'locked_out' },
    ]);
    for (const e of events) {
      expect(e.ip).toMatch(/127\.0\.0\.1/);
      expect(Math.abs(e.at - Date.now())).toBeLessThan(60_000);
    }
  });

  it('still logs in when a listener throws', async () => {
    server = await startTestServer({
      deps: {
        onLogin: () => {
          throw new Error('listener broke');
        },
      },
    });
    expect((await attempt('admin', ADMIN_PASSWORD)).status).toBe(200);
  });
});
