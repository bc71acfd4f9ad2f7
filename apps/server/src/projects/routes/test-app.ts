// Test fixture for the /api/projects routes: an app on in-memory stores with four users.
import { Registry } from 'prom-client';
import { silentLogger } from '@readingroom/sync-server';
import { createAuthenticate } from '../../auth/authenticate';
import { createTokenService } from '../../auth/tokens';
import { createApp } from '../../http/create-app';
import { MemoryUserStore } from '../../users/memory-user-store';
import type { User } from '../../users/user-store';
import { MemoryProjectStore } from '../memory-project-store';

export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string[]; code: string; message: string }[] };
}

export async function projectTestApp() {
  const users = new MemoryUserStore();
  const projects = new MemoryProjectStore();
  const tokens = createTokenService({ secret: 's'.repeat(40), ttlSeconds: 3600 });
  const app = createApp({
    users,
    projects,
    tokens,
    authenticate: createAuthenticate(tokens, users),
    registry: new Registry(),
    isReady: () => true,
    logger: silentLogger,
  });
  const make = (username: string, isAdmin = false) => users.create({ username, passwordHash: 'x', isAdmin });
  const people = {
    root: await make('root', true),
    carol: await make('carol'), // project admin
    alice: await make('alice'), // reader
    bob: await make('bob'), // not a member
  };
  const tokenOf = new Map<string, string>();
  for (const user of Object.values(people)) tokenOf.set(user.id, (await tokens.issueToken(user)).token);

  /** Calls the app as `as` (no token when null); `body` is sent as JSON. */
  const call = async (as: User | null, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (as) headers.authorization = `Bearer ${tokenOf.get(as.id)}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, text, json: (text ? JSON.parse(text) : null) as any };
  };

  /** A project "Lung" with carol as project admin and alice as reader. */
  const lungProject = async () => {
    const created = await call(people.root, 'POST', '/api/projects', { name: 'Lung', description: 'screening' });
    const id = created.json.id as string;
    await call(people.root, 'PUT', `/api/projects/${id}/members/${people.carol.id}`, { role: 'admin' });
    await call(people.root, 'PUT', `/api/projects/${id}/members/${people.alice.id}`, { role: 'reader' });
    return id;
  };

  return { app, users, projects, people, call, lungProject };
}
