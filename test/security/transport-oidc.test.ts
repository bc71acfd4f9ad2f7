import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../support/jwt';
import { RawClient, roomUrl } from '../support/raw-client';
import { TOKEN_SECRET, startTestServer, type TestServer } from '../support/test-server';
import { otherRsaKey, startJwksProvider, type TestJwksProvider } from './transport-fixtures';

const AUDIENCE = 'readingroom-test';
const STUDY = '1.2.826.0.1.3680043.8.498.1';

let provider: TestJwksProvider;
let server: TestServer | undefined;
beforeAll(async () => {
  provider = await startJwksProvider(AUDIENCE);
});
afterAll(async () => {
  await provider.close();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function startOidcServer(): Promise<TestServer> {
  server = await startTestServer({
    config: { oidcIssuer: provider.issuer, oidcAudience: AUDIENCE, oidcJwksUrl: provider.jwksUrl, oidcRolesClaim: 'groups' },
  });
  return server;
}

async function api(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** A project with one study, made by the local admin. */
async function projectWithStudy(name: string): Promise<string> {
  const admin = await server!.login();
  const created = await api('POST', '/api/projects', admin, { name });
  expect(created.status).toBe(201);
  const id = created.json.id as string;
  expect((await api('POST', `/api/projects/${id}/studies`, admin, { studyInstanceUids: [STUDY] })).status).toBe(200);
  return id;
}

async function membersOf(projectId: string): Promise<Array<{ username: string | null; role: string }>> {
  const res = await api('GET', `/api/projects/${projectId}/members`, await server!.login());
  expect(res.status).toBe(200);
  return (res.json.members as Array<{ username: string | null; role: string }>).map(({ username, role }) => ({ username, role }));
}

describe('OpenID Connect bearer tokens', () => {
  it('provisions a user from a provider token on first use and finds the same user again', async () => {
    await startOidcServer();
    const token = provider.sign(provider.claims('subject-ada', { preferred_username: 'Ada.Lovelace' }));
    const first = await api('GET', '/api/me', token);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ username: 'ada.lovelace', isAdmin: false });
    const again = await api('GET', '/api/me', provider.sign(provider.claims('subject-ada', { preferred_username: 'renamed' })));
    expect(again.json.id).toBe(first.json.id);
    expect(again.json.username).toBe('ada.lovelace');
  });

  it('never hands a provider user an existing local account, even one with the same name', async () => {
    await startOidcServer();
    const local = await api('GET', '/api/me', await server!.login());
    const res = await api('GET', '/api/me', provider.sign(provider.claims('subject-mallory', { preferred_username: 'admin' })));
    expect(res.status).toBe(200);
    expect(res.json.id).not.toBe(local.json.id);
    expect(res.json.username).toMatch(/^admin-[0-9a-f]{10}$/);
    expect(res.json.isAdmin).toBe(false);
  });

  it('makes project memberships follow the roles claim on every authentication', async () => {
    await startOidcServer();
    const projectId = await projectWithStudy('chest-ct');
    const as = (groups: string[]) => provider.sign(provider.claims('subject-bo', { preferred_username: 'bo', groups }));
    expect((await api('GET', '/api/me', as(['staff', 'readingroom:chest-ct:reader', 'readingroom:unknown-project:admin']))).status).toBe(200);
    expect(await membersOf(projectId)).toContainEqual({ username: 'bo', role: 'reader' });
    const listed = await api('GET', '/api/projects', as(['readingroom:chest-ct:observer']));
    expect(listed.json.projects.map((p: { name: string }) => p.name)).toEqual(['chest-ct']);
    expect(await membersOf(projectId)).toContainEqual({ username: 'bo', role: 'observer' });
    expect((await api('GET', '/api/projects', as([]))).json.projects).toEqual([]);
    expect((await membersOf(projectId)).map((m) => m.username)).not.toContain('bo');
  });

  it('opens sync connections with a provider token: a claimed member its study room, a claimed admin any room', async () => {
    await startOidcServer();
    const projectId = await projectWithStudy('sync-project');
    const reader = provider.sign(provider.claims('subject-cy', { preferred_username: 'cy', groups: ['readingroom:sync-project:reader'] }));
    const studyRoom = await RawClient.connect(roomUrl(server!.syncUrl, `p/${projectId}/s/${STUDY}`, reader));
    const admin = provider.sign(provider.claims('subject-di', { preferred_username: 'di', groups: ['readingroom:admin'] }));
    expect((await api('GET', '/api/me', admin)).json.isAdmin).toBe(true);
    const freeRoom = await RawClient.connect(roomUrl(server!.syncUrl, 'oidc-free-room', admin));
    expect(server!.server.sync.connectionCount).toBe(2);
    await studyRoom.close();
    await freeRoom.close();
  });

  it('refuses wrong issuer, wrong audience, expiry, an unknown key id, a foreign signature and a missing subject with 401, over HTTP and WebSocket', async () => {
    await startOidcServer();
    const good = provider.claims('subject-eve', { preferred_username: 'eve', groups: ['readingroom:admin'] });
    const now = Math.floor(Date.now() / 1000);
    const { sub: _sub, ...noSubject } = good;
    const bad: Record<string, string> = {
      'wrong issuer': provider.sign({ ...good, iss: 'https://elsewhere.example' }),
      'wrong audience': provider.sign({ ...good, aud: 'another-service' }),
      expired: provider.sign({ ...good, iat: now - 3600, exp: now - 300 }),
      'unknown kid': provider.sign(good, { kid: 'not-published' }),
      'foreign key': provider.sign(good, { key: otherRsaKey() }),
      'no subject': provider.sign(noSubject),
      'HS256 with our secret and the provider claims': signJwt(TOKEN_SECRET, good),
    };
    for (const [what, token] of Object.entries(bad)) {
      expect((await api('GET', '/api/me', token)).status, what).toBe(401);
      expect(await RawClient.refusedStatus(roomUrl(server!.syncUrl, 'oidc-free-room', token)), what).toBe(401);
    }
    expect(server!.server.sync.roomCount).toBe(0);
    // the same claims, signed right, pass: the refusals above are about what was changed
    expect((await api('GET', '/api/me', provider.sign(good))).status).toBe(200);
  });

  it('revokes a provider token on logout, does not refresh it, and keeps local logins working', async () => {
    await startOidcServer();
    const token = provider.sign(provider.claims('subject-fay', { preferred_username: 'fay' }));
    expect((await api('POST', '/api/auth/refresh', token)).json.error.code).toBe('not_refreshable');
    expect((await api('POST', '/api/auth/logout', token)).status).toBe(204);
    expect((await api('GET', '/api/me', token)).status).toBe(401);
    expect((await api('GET', '/api/me', await server!.login())).status).toBe(200);
  });
});
