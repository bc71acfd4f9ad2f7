import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@readingroom/sync-server';
import { createAuthenticate } from '../auth/authenticate';
import { createTokenService } from '../auth/tokens';
import { createApp } from '../http/create-app';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { MemoryUserStore } from '../users/memory-user-store';
import type { User } from '../users/user-store';
import { memoryAudit } from './app-audit';
import { CSV_COLUMNS } from './audit-export';
import { loginAuditListener } from './http-audit';

async function auditApp() {
  const users = new MemoryUserStore();
  const tokens = createTokenService({ secret: 's'.repeat(40), ttlSeconds: 3600 });
  const audit = memoryAudit(silentLogger);
  const app = createApp({
    users,
    projects: new MemoryProjectStore(),
    tokens,
    authenticate: createAuthenticate(tokens, users),
    registry: new Registry(),
    isReady: () => true,
    logger: silentLogger,
    audit,
    onLogin: loginAuditListener(audit.recorder),
  });
  const make = (username: string, isAdmin = false) => users.create({ username, passwordHash: 'x', isAdmin });
  const people = { root: await make('root', true), carol: await make('carol'), alice: await make('alice'), bob: await make('bob') };
  const tokenOf = new Map<string, string>();
  for (const user of Object.values(people)) tokenOf.set(user.id, (await tokens.issueToken(user)).token);

  const call = async (as: User | null, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (as) headers.authorization = `Bearer ${tokenOf.get(as.id)}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    const json = res.headers.get('content-type')?.startsWith('application/json') && text ? (JSON.parse(text) as any) : null;
    return { status: res.status, text, json, headers: res.headers };
  };

  /** Project "Lung": carol admin, alice reader (set by root). */
  const lung = async () => {
    const id = (await call(people.root, 'POST', '/api/projects', { name: 'Lung' })).json.id as string;
    await call(people.root, 'PUT', `/api/projects/${id}/members/${people.carol.id}`, { role: 'admin' });
    await call(people.root, 'PUT', `/api/projects/${id}/members/${people.alice.id}`, { role: 'reader' });
    return id;
  };
  return { app, audit, people, call, lung };
}

describe('membership audit', () => {
  it('records members added, role changes and removals with the acting admin, and nothing for an unchanged role', async () => {
    const { people, call, lung } = await auditApp();
    const project = await lung();
    await call(people.carol, 'PUT', `/api/projects/${project}/members/${people.alice.id}`, { role: 'adjudicator' });
    await call(people.carol, 'PUT', `/api/projects/${project}/members/${people.alice.id}`, { role: 'adjudicator' });
    await call(people.carol, 'POST', `/api/projects/${project}/members`, { username: 'bob', role: 'observer' });
    await call(people.carol, 'DELETE', `/api/projects/${project}/members/${people.bob.id}`);
    const { json } = await call(people.root, 'GET', `/api/audit?project=${project}`);
    expect(json.entries.map((e: any) => [e.action, e.actorUsername, e.targetId, e.before, e.after])).toEqual([
      ['member.added', 'root', people.carol.id, null, { role: 'admin' }],
      ['member.added', 'root', people.alice.id, null, { role: 'reader' }],
      ['member.role_changed', 'carol', people.alice.id, { role: 'reader' }, { role: 'adjudicator' }],
      ['member.added', 'carol', people.bob.id, null, { role: 'observer' }],
      ['member.removed', 'carol', people.bob.id, { role: 'observer' }, null],
    ]);
    expect(json.entries[2]).toMatchObject({ actor: people.carol.id, projectId: project, studyUid: null });
  });

  it('records a logout by its user', async () => {
    const { people, call } = await auditApp();
    expect((await call(people.alice, 'POST', '/api/auth/logout')).status).toBe(204);
    expect((await call(null, 'POST', '/api/auth/logout')).status).toBe(401);
    const { json } = await call(people.root, 'GET', '/api/audit?action=auth.logout');
    expect(json.entries).toMatchObject([{ action: 'auth.logout', actor: people.alice.id, targetId: people.alice.id, after: { username: 'alice' } }]);
  });
});

describe('GET /api/audit', () => {
  it('lets a project admin read their project only, and refuses readers, non-members and cross-project reads', async () => {
    const { people, call, lung } = await auditApp();
    const project = await lung();
    const other = (await call(people.root, 'POST', '/api/projects', { name: 'Other' })).json.id as string;
    await call(people.root, 'PUT', `/api/projects/${other}/members/${people.bob.id}`, { role: 'reader' });

    const mine = await call(people.carol, 'GET', `/api/audit?project=${project}`);
    expect(mine.status).toBe(200);
    expect(mine.json.entries.every((e: any) => e.projectId === project)).toBe(true);
    expect(mine.json.entries).toHaveLength(2);
    expect((await call(people.carol, 'GET', '/api/audit')).status).toBe(403);
    expect((await call(people.carol, 'GET', `/api/audit?project=${other}`)).status).toBe(403);
    expect((await call(people.carol, 'GET', '/api/audit?project=does-not-exist')).status).toBe(403);
    expect((await call(people.alice, 'GET', `/api/audit?project=${project}`)).status).toBe(403);
    expect((await call(people.carol, 'GET', `/api/audit/export?project=${other}`)).status).toBe(403);
    expect((await call(null, 'GET', '/api/audit')).status).toBe(401);
    expect((await call(people.root, 'GET', '/api/audit')).json.entries).toHaveLength(3);
  });

  it('filters by actor, action list and time, pages with a cursor, and rejects unknown actions and parameters', async () => {
    const { people, call, lung, audit } = await auditApp();
    await lung();
    audit.recorder.record([
      { at: Date.parse('2030-01-01T00:00:00Z'), actor: null, action: 'auth.login_failed', after: { username: 'nobody' } },
      { at: Date.parse('2030-01-02T00:00:00Z'), actor: people.alice.id, action: 'auth.login', targetId: people.alice.id },
    ]);
    const get = async (query: string) => (await call(people.root, 'GET', `/api/audit?${query}`)).json;
    expect((await get(`actor=${people.root.id}`)).entries.map((e: any) => e.action)).toEqual(['member.added', 'member.added']);
    expect((await get('action=auth.login,auth.login_failed')).entries.map((e: any) => e.seq)).toEqual([3, 4]);
    expect((await get('from=2030-01-01T12:00:00Z')).entries.map((e: any) => e.seq)).toEqual([4]);
    expect((await get(`to=${Date.parse('2030-01-01T12:00:00Z')}&from=2029-12-31T00:00:00Z`)).entries.map((e: any) => e.seq)).toEqual([3]);
    const page = await get('limit=2');
    expect(page.entries.map((e: any) => e.seq)).toEqual([1, 2]);
    expect(await get(`limit=2&cursor=${page.nextCursor}`)).toMatchObject({ entries: [{ seq: 3 }, { seq: 4 }], nextCursor: null });
    expect((await get('limit=2&order=desc')).entries.map((e: any) => e.seq)).toEqual([4, 3]);
    expect((await call(people.root, 'GET', '/api/audit?action=annotation.teleported')).status).toBe(400);
    expect((await call(people.root, 'GET', '/api/audit?from=yesterday')).status).toBe(400);
    expect((await call(people.root, 'GET', '/api/audit?projekt=x')).status).toBe(400);
    const entry = (await get('action=auth.login_failed')).entries[0];
    expect(entry).toMatchObject({ actor: null, actorUsername: null, after: { username: 'nobody' }, time: '2030-01-01T00:00:00.000Z' });
  });
});

describe('GET /api/audit/export', () => {
  it('streams every matching entry as a JSON array equal to the paged API', async () => {
    const { people, call, lung, audit } = await auditApp();
    await lung();
    audit.recorder.record(Array.from({ length: 1200 }, (_, i) => ({ actor: people.alice.id, action: 'annotation.moved' as const, targetId: `box-${i}`, after: { i } })));
    const res = await call(people.root, 'GET', '/api/audit/export?format=json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d\d-\d\d\.json"$/);
    const all = JSON.parse(res.text) as any[];
    expect(all).toHaveLength(1202);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 1202 }, (_, i) => i + 1));
    expect(all.slice(0, 3)).toEqual((await call(people.root, 'GET', '/api/audit?limit=3')).json.entries);
    expect(JSON.parse((await call(people.root, 'GET', '/api/audit/export?action=auth.logout')).text)).toEqual([]);
  });

  it('writes CSV with a header, RFC 4180 quoting and formula-looking text defused', async () => {
    const { people, call, audit } = await auditApp();
    audit.recorder.record([
      { actor: people.alice.id, action: 'annotation.relabelled', room: '=HYPERLINK("x")', targetId: 'b1', before: { label: 'a,b' }, after: { label: 'say "hi"\nthere' } },
    ]);
    const res = await call(people.root, 'GET', '/api/audit/export?format=csv');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(res.text).toContain(`,alice,annotation.relabelled,,,"'=HYPERLINK(""x"")",b1,"{""label"":""a,b""}","{""label"":""say \\""hi\\""\\nthere""}",`);
    expect(res.text.endsWith('\r\n')).toBe(true);
  });
});
