// Helpers for the reading-session suites: a real server with an imported MR study and users in
// roles (test/security/sync-fixture.ts), the session API, stock y-websocket clients per room and
// raw clients that report how they were closed.
import { StudyDocument, type Role, type RoomScope } from '@readingroom/model';
import { RawClient, roomUrl } from '../support/raw-client';
import { openStockClient, type StockClient } from '../support/stock-client';
import { sleep } from '../support/until';
import { startSyncWorld, type SyncWorld } from '../security/sync-fixture';

export interface SessionWorld extends SyncWorld {
  /** Tokens by username (`admin`: the global administrator). */
  readonly tokens: Record<string, string>;
  /** The API as `user`, never throwing: status and parsed body. */
  call(user: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** `/api/projects/<p>/studies/<study>/session` */
  readonly sessionPath: string;
  /** Like `call` on the session path (plus `suffix`), failing the test unless the answer is 2xx. */
  session(user: string, method?: string, suffix?: string, body?: unknown): Promise<any>;
  /** A stock y-websocket 3 client of `user` on the study room `scope`, synced. */
  stock(user: string, scope?: RoomScope): Promise<StockClient>;
  /** A raw client of `user` on `scope`, past sync step 1. */
  raw(user: string, scope?: RoomScope): Promise<RawClient>;
  /** HTTP status of a refused upgrade of `user` to `scope` (fails if it is accepted). */
  refused(user: string, scope?: RoomScope): Promise<number>;
  /** A box on image `i` of the study in `client`'s document, authored by `user`. */
  drawBox(client: StockClient, user: string, i?: number): string;
  own(user: string): RoomScope;
  /** Closes every client opened through `stock` / `raw`, then the server. */
  close(): Promise<void>;
}

export async function startSessionWorld(members: Record<string, Role | null>): Promise<SessionWorld> {
  const world = await startSyncWorld(members);
  const tokens: Record<string, string> = { admin: world.adminToken };
  for (const name of Object.keys(members)) tokens[name] = await world.token(name);
  const opened: Array<{ destroy(): void }> = [];
  const sessionPath = `/api/projects/${world.projectId}/studies/${world.study}/session`;
  const call = async (user: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${world.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[user]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
  };
  const url = (user: string, scope: RoomScope) => roomUrl(world.server.syncUrl, world.room(scope), tokens[user]!);
  return {
    ...world,
    tokens,
    call,
    sessionPath,
    async session(user, method = 'GET', suffix = '', body) {
      const res = await call(user, method, `${sessionPath}${suffix}`, body);
      if (res.status >= 300) throw new Error(`${method} ${suffix || 'session'} as ${user}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json;
    },
    async stock(user, scope = { type: 'shared' }) {
      const client = await openStockClient({ syncUrl: world.server.syncUrl, room: world.room(scope), token: tokens[user]! });
      opened.push(client);
      return client;
    },
    async raw(user, scope = { type: 'shared' }) {
      const client = await RawClient.connect(url(user, scope));
      opened.push({ destroy: () => client.ws.terminate() });
      await client.nextMessage((m) => m.kind === 'sync-step1');
      return client;
    },
    refused: (user, scope = { type: 'shared' }) => RawClient.refusedStatus(url(user, scope)),
    drawBox(client, user, i = 0) {
      return new StudyDocument(client.doc, { userId: world.ids[user] ?? user }).createBox2d({
        studyInstanceUid: world.study,
        seriesInstanceUid: world.series,
        sopInstanceUid: world.sops[i]!,
        geometry: { x: 10 + i, y: 20, width: 30, height: 40 },
        label: 'nodule',
      }).id;
    },
    own: (user) => ({ type: 'reader', userId: world.ids[user]! }),
    async close() {
      for (const c of opened.splice(0)) c.destroy();
      await sleep(50);
      await world.close();
    },
  };
}

/** How and how many milliseconds after `start` (performance.now()) `raw` was closed; fails after 5 s. */
export async function closedAfter(raw: RawClient, start: number): Promise<{ ms: number; code: number; reason: string }> {
  const info = await Promise.race([raw.closed, sleep(5000).then(() => null)]);
  if (!info) throw new Error('connection not closed within 5 s');
  return { ms: performance.now() - start, ...info };
}
