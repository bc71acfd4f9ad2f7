import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@readingroom/sync-server';
import { createAuthenticate } from '../auth/authenticate';
import { createTokenService } from '../auth/tokens';
import { MemoryUserStore } from '../users/memory-user-store';
import { hashPassword } from '../users/password';
import type { UserStore } from '../users/user-store';
import { createApp } from './create-app';

async function setup(options: { ready?: boolean; users?: UserStore } = {}) {
  const users = options.users ?? new MemoryUserStore();
  const ada = await users.create({ username: 'ada', passwordHash: await hashPassword('lovelace-1843'), isAdmin: true });
  const tokens = createTokenService({ secret: 's'.repeat(40), ttlSeconds: 3600 });
  const logged: object[] = [];
  const logger = { ...silentLogger, info: (o: object) => logged.push(o), error: (o: object) => logged.push(o) };
  const app = createApp({
    users,
    tokens,
    authenticate: createAuthenticate(tokens, users),
    registry: new Registry(),
    isReady: () => options.ready ?? true,
    logger,
  });
  const login = (body: unknown) =>
    app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { app, ada, tokens, login, logged };
}

describe('POST /api/auth/login', () => {
  it('returns a token and its expiry for the right password', async () => {
    const { login } = await setup();
    const res = await login({ username: 'ada', password: 'lovelace-1843' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expiresAt: string };
    expect(body.token.split('.')).toHaveLength(3);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('answers 401 invalid_credentials for a wrong password', async () => {
    const { login } = await setup();
    const res = await login({ username: 'ada', password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'invalid_credentials', message: 'wrong username or password' } });
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const { login } = await setup();
    const res = await login({ username: 'nobody', password: 'lovelace-1843' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'invalid_credentials', message: 'wrong username or password' } });
  });

  it('answers 400 invalid_request with issues for a body of the wrong shape', async () => {
    const { login } = await setup();
    const res = await login({ username: 'ada' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; issues: { path: string[] }[] } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.issues.map((i) => i.path)).toEqual([['password']]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { app } = await setup();
    const res = await app.request('/api/auth/login', { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });

  it('logs method, path and status but never the password', async () => {
    const { login, logged } = await setup();
    await login({ username: 'ada', password: 'lovelace-1843' });
    expect(logged).toContainEqual(expect.objectContaining({ method: 'POST', path: '/api/auth/login', status: 200, requestId: expect.any(String) }));
    expect(JSON.stringify(logged)).not.toContain('lovelace');
  });

  it('answers 500 internal_error without internals when a store fails', async () => {
    const users = new MemoryUserStore();
    const { login, logged } = await setup({ users });
    users.findByUsername = async () => {
      throw new Error('disk on fire at /var/secret');
    };
    const res = await login({ username: 'ada', password: 'x' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'internal server error' } });
    expect(text).not.toContain('disk');
    expect(JSON.stringify(logged)).toContain('disk on fire');
  });
});

describe('GET /api/me', () => {
  it('returns the bearer of a valid token', async () => {
    const { app, ada, tokens } = await setup();
    const { token } = await tokens.issueToken(ada);
    const res = await app.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: ada.id, username: 'ada', isAdmin: true });
  });

  it('answers 401 unauthorized without a token', async () => {
    const { app } = await setup();
    const res = await app.request('/api/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('answers 401 for a forged token and for a token of a user that no longer exists', async () => {
    const { app } = await setup();
    const forged = await createTokenService({ secret: 'f'.repeat(40), ttlSeconds: 60 }).issueToken({ id: 'x', username: 'ada' });
    const res = await app.request('/api/me', { headers: { authorization: `Bearer ${forged.token}` } });
    expect(res.status).toBe(401);
    const { tokens } = await setup();
    const ghost = await tokens.issueToken({ id: 'deleted-user', username: 'ghost' });
    expect((await app.request('/api/me', { headers: { authorization: `Bearer ${ghost.token}` } })).status).toBe(401);
  });
});

describe('operations endpoints', () => {
  it('/healthz is always 200; /readyz follows readiness', async () => {
    const { app: ready } = await setup({ ready: true });
    const { app: stopping } = await setup({ ready: false });
    expect((await stopping.request('/healthz')).status).toBe(200);
    expect((await ready.request('/readyz')).status).toBe(200);
    expect((await stopping.request('/readyz')).status).toBe(503);
  });

  it('unknown routes answer 404 not_found', async () => {
    const { app } = await setup();
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });

  it('rejects request bodies over 64 KiB with 413', async () => {
    const { login } = await setup();
    const res = await login({ username: 'ada', password: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
  });
});
