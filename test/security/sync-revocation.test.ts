// Revocation within 2 s: removing a membership or changing a role closes that user's open sync
// connections to the project's rooms, whether the change came through the HTTP API (in-process
// event) or from the CLI in another process (periodic re-check).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudyDocument } from '@readingroom/model';
import { RawClient, roomUrl } from '../support/raw-client';
import { openStockClient } from '../support/stock-client';
import { sleep, until } from '../support/until';
import { permissionDenials, startSyncWorld, type SyncWorld } from './sync-fixture';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
let world: SyncWorld;

beforeAll(async () => {
  world = await startSyncWorld({ alice: 'reader', bob: 'reader', carl: 'reader', dora: 'reader' });
}, 60_000);
afterAll(async () => {
  await world?.close();
});

async function connect(user: string, room = world.room()): Promise<RawClient> {
  const raw = await RawClient.connect(roomUrl(world.server.syncUrl, room, await world.token(user)));
  await raw.nextMessage((m) => m.kind === 'sync-step1');
  return raw;
}

/** Milliseconds from `start` until `raw` is closed. */
async function closedAfter(raw: RawClient, start: number): Promise<{ ms: number; code: number; reason: string }> {
  const info = await Promise.race([raw.closed, sleep(5000).then(() => null)]);
  if (!info) throw new Error('connection not closed within 5 s');
  return { ms: performance.now() - start, ...info };
}

function cli(...args: string[]): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/main.ts', ...args], { cwd: REPO_ROOT, stdio: 'ignore', env: { ...process.env, READINGROOM_DATA_DIR: '' } });
    child.on('error', fail);
    child.on('close', done);
  });
}

describe('revocation of open sync connections', () => {
  it('closes a removed member within 2 s with 4403, leaves others connected, and refuses the reconnect', async () => {
    const alice = await connect('alice');
    const aliceOwn = await connect('alice', world.room({ type: 'reader', userId: world.ids.alice! }));
    const dora = await connect('dora');
    const start = performance.now();
    await world.api(world.adminToken, 'DELETE', `/api/projects/${world.projectId}/members/${world.ids.alice}`);
    const closed = await closedAfter(alice, start);
    const own = await closedAfter(aliceOwn, start);
    console.info(`revocation (HTTP remove member) → sockets closed after ${closed.ms.toFixed(0)} ms and ${own.ms.toFixed(0)} ms`);
    expect(closed).toMatchObject({ code: 4403, reason: 'membership revoked' });
    expect(own.code).toBe(4403);
    expect(Math.max(closed.ms, own.ms)).toBeLessThan(2000);
    await sleep(200);
    expect(dora.closeInfo).toBeNull();
    expect(await RawClient.refusedStatus(roomUrl(world.server.syncUrl, world.room(), await world.token('alice')))).toBe(403);
    await dora.close();
  });

  it('closes a member whose role was lowered with "role changed; reconnect", and the reconnect is read-only', async () => {
    const bob = await connect('bob');
    const start = performance.now();
    await world.api(world.adminToken, 'PUT', `/api/projects/${world.projectId}/members/${world.ids.bob}`, { role: 'observer' });
    const closed = await closedAfter(bob, start);
    console.info(`revocation (HTTP role lowered) → socket closed after ${closed.ms.toFixed(0)} ms`);
    expect(closed).toMatchObject({ code: 4403, reason: 'role changed; reconnect' });
    expect(closed.ms).toBeLessThan(2000);

    const again = await openStockClient({ syncUrl: world.server.syncUrl, room: world.room(), token: await world.token('bob') });
    try {
      new StudyDocument(again.doc, { userId: world.ids.bob! }).createBox2d({
        studyInstanceUid: world.study,
        seriesInstanceUid: world.series,
        sopInstanceUid: world.sops[0]!,
        geometry: { x: 1, y: 1, width: 2, height: 2 },
        label: 'nodule',
      });
      await until(() => permissionDenials(again.received).length > 0, 5000, 'the downgraded edit to be refused');
      expect(permissionDenials(again.received)[0]).toMatch(/^read_only: your role \(observer\)/);
    } finally {
      again.destroy();
    }
  });

  it('catches a role change made by the CLI in another process within 2 s of it finishing', async () => {
    const carl = await connect('carl');
    const code = await cli('project', 'member', world.projectName, 'carl', 'observer', '--data-dir', world.server.dataDir);
    const start = performance.now();
    expect(code).toBe(0);
    const closed = carl.closeInfo ? { ms: 0, ...carl.closeInfo } : await closedAfter(carl, start);
    console.info(`revocation (CLI in another process) → socket closed ${closed.ms.toFixed(0)} ms after the CLI exited`);
    expect(closed).toMatchObject({ code: 4403, reason: 'role changed; reconnect' });
    expect(closed.ms).toBeLessThan(2000);
  });
});
